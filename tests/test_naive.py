"""The naive LangChain peer: raw splitting with line spans, the embedder adapter, FAISS search.

The whole-corpus naive index is built once, in the quality gate (tests/test_eval_gate.py); here
the real embedder indexes only the four small Boukharine files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.config import PROJECT_ROOT
from assistant.evaluation.metrics import GoldItem, hit_rank
from assistant.evaluation.naive import (
    CHUNK_SIZE,
    EmbedderEmbeddings,
    NaiveRetriever,
    cache_key,
    split_files,
)

CORPUS = PROJECT_ROOT / "corpus"
ALL_FILES = sorted(CORPUS.glob("*.txt"))
SMALL = [p for p in ALL_FILES if p.name[:3] in {"000", "001", "002", "003"}]


def test_split_maps_every_chunk_to_its_exact_line_span():
    chunks = split_files(ALL_FILES)
    assert len(chunks) > 900  # ~770,000 characters in pieces of at most 1000
    lines = {p.name: p.read_text(encoding="utf-8").split("\n") for p in ALL_FILES}
    covered = {p.name: set() for p in ALL_FILES}
    for chunk in chunks:
        assert len(chunk.text) <= CHUNK_SIZE and chunk.doc_id == "" and chunk.footnote is None
        span = lines[chunk.file][chunk.line_start - 1 : chunk.line_end]
        joined = "\n".join(span)
        assert chunk.text in joined
        # tight: the text starts on the first line of the span and ends on its last
        first, last = chunk.text.split("\n")[0], chunk.text.split("\n")[-1]
        assert first in span[0] and last in span[-1]
        covered[chunk.file].update(range(chunk.line_start, chunk.line_end + 1))
    for name, file_lines in lines.items():
        missing = [n for n, text in enumerate(file_lines, 1) if text.strip() and n not in covered[name]]
        assert not missing, (name, missing[:5])


def test_overlap_is_kept():
    chunks = [c for c in split_files(SMALL) if c.file.startswith("001")]
    assert len(chunks) > 10
    assert sum(a.line_end >= b.line_start for a, b in zip(chunks, chunks[1:], strict=False)) > 5


class CountingEmbedder:
    """Wraps the real embedder and counts its calls (wiring of the LangChain adapter)."""

    def __init__(self, inner):
        self.inner, self.id, self.dim, self.calls = inner, inner.id, inner.dim, []

    def embed_passages(self, texts):
        self.calls.append(len(texts))
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def small_naive(embedder, tmp_path_factory):
    counting = CountingEmbedder(embedder)
    seen: list[tuple[int, int]] = []
    cache = tmp_path_factory.mktemp("naive-cache")
    naive = NaiveRetriever.build(CORPUS, counting, pattern="00[0-3]_*.txt", batch_size=8,
                                 progress=lambda done, total: seen.append((done, total)),
                                 cache_dir=cache)
    return naive, counting, seen, cache


def test_adapter_batches_and_reports_progress(small_naive, embedder):
    naive, counting, seen, _ = small_naive
    assert sum(counting.calls) == len(naive.chunks) == seen[-1][0] == seen[-1][1]
    assert [done for done, _ in seen] == sorted({done for done, _ in seen})
    assert max(counting.calls) == 8
    adapter = EmbedderEmbeddings(embedder)
    vector = np.asarray(adapter.embed_query("Vorochilov"))
    assert vector.shape == (embedder.dim,) and abs(np.linalg.norm(vector) - 1) < 1e-3


def test_naive_search_finds_the_passage_and_scores_by_line(small_naive):
    naive, *_ = small_naive
    hits = naive.search("Que reproche Boukharine aux thèses de Kouïbychev sur la CCC ?", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(-1.0 <= h.score <= 1.0 for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)
    # the gold of 003: line 11 "est qu'elles « sentent l'appareil »"
    gold = GoldItem("003_bcce589cbfd93186.txt", 11, None, "est qu'elles « sentent l'appareil »")
    rank = hit_rank([h.chunk for h in hits], [gold])
    assert rank is not None and rank <= 3


def test_cache_round_trip_gives_the_same_results(small_naive, embedder):
    naive, _, _, cache = small_naive
    paths = sorted(CORPUS.glob("00[0-3]_*.txt"))
    folder = Path(cache) / cache_key(paths, embedder)
    assert (folder / "index.faiss").is_file()
    counting = CountingEmbedder(embedder)
    again = NaiveRetriever.build(CORPUS, counting, pattern="00[0-3]_*.txt", cache_dir=cache)
    assert counting.calls == []  # nothing embedded: loaded from the cache
    query = "lettre de Boukharine à Vorochilov"
    first = [(h.chunk.id, round(h.score, 5)) for h in naive.search(query, k=6)]
    assert [(h.chunk.id, round(h.score, 5)) for h in again.search(query, k=6)] == first
    assert cache_key(paths[:2], embedder) != cache_key(paths, embedder)
