"""Search the units: BM25, dense (FAISS), or both fused by weighted reciprocal-rank fusion.

Filters become a mask applied to each retriever's full candidate set (the BM25 scores of every
unit, a FAISS ID selector), so a filter never drops good hits that a short list would have cut.
The fused list keeps at most ``per_document`` units of one document while other documents have
candidates left (diversity), and fills up from the rest only when they run out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import faiss
import numpy as np

from assistant.config import Settings
from assistant.embedding import Embedder, load_embedder
from assistant.filters import UnitFilter
from assistant.index_store import LoadedIndex, load_index, verify_index
from assistant.types import Chunk, Hit, SearchFilters

MODES = ("hybrid", "dense", "bm25")
QUERY_CACHE_SIZE = 512


class Retriever:
    """Thread-safe search over a loaded index."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.chunks: list[Chunk] = index.chunks
        self.embedder = embedder
        self.settings = settings
        self.unit_filter = UnitFilter(self.chunks)
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._doc_ids = [chunk.doc_id for chunk in self.chunks]

    def __len__(self) -> int:
        return len(self.chunks)

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        """The k best units for the query (FilterError for an invalid filter)."""
        config = self.settings.retrieval
        k = k or config.k
        mode = mode or config.mode
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        mask = self.unit_filter.mask(filters)
        if not query.strip() or (mask is not None and not mask.any()):
            return []
        depth = max(config.candidates, k * 2)
        lexical = self._bm25_ranking(query, depth, mask) if mode != "dense" else []
        dense = self._dense_ranking(query, depth, mask) if mode != "bm25" else []
        bm25_rank = {unit: rank for rank, (unit, _) in enumerate(lexical, start=1)}
        dense_rank = {unit: rank for rank, (unit, _) in enumerate(dense, start=1)}
        dense_score = dict(dense)
        if mode == "bm25":
            scored = lexical
        elif mode == "dense":
            scored = dense
        else:
            scored = self._fuse(bm25_rank, dense_rank)
        chosen = self._diversify(scored, k)
        return [
            Hit(
                chunk=self.chunks[unit], score=float(score), rank=rank,
                bm25_rank=bm25_rank.get(unit), dense_rank=dense_rank.get(unit),
                dense_score=dense_score.get(unit),
            )
            for rank, (unit, score) in enumerate(chosen, start=1)
        ]

    def _bm25_ranking(
        self, query: str, depth: int, mask: np.ndarray | None
    ) -> list[tuple[int, float]]:
        scores = self.index.lexical.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        matching = np.flatnonzero(scores > 0)
        if len(matching) > depth:
            matching = matching[np.argpartition(-scores[matching], depth - 1)[:depth]]
        ordered = matching[np.lexsort((matching, -scores[matching]))]
        return [(int(unit), float(scores[unit])) for unit in ordered]

    def _dense_ranking(
        self, query: str, depth: int, mask: np.ndarray | None
    ) -> list[tuple[int, float]]:
        vector = self.query_vector(query).reshape(1, -1)
        depth = min(depth, len(self.chunks))
        params = None
        if isinstance(self.index.vectors, faiss.IndexHNSW):
            # HNSW explores only efSearch candidates, whatever the depth asked for: faiss's
            # default (16) returned about half of the exact top 60 (benchmarks/bench_growth.py).
            params = faiss.SearchParametersHNSW(efSearch=max(64, 2 * depth))
        elif mask is not None:
            params = faiss.SearchParameters()
        if mask is not None:
            selector = faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
            params.sel = selector
        scores, units = self.index.vectors.search(vector, depth, params=params)
        return [(int(u), float(s)) for u, s in zip(units[0], scores[0], strict=True) if u >= 0]

    def query_vector(self, query: str) -> np.ndarray:
        """The query's embedding (recent queries are cached: a chat repeats them)."""
        with self._lock:
            cached = self._query_vectors.get(query)
            if cached is not None:
                self._query_vectors.move_to_end(query)
                return cached
        vector = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        with self._lock:
            self._query_vectors[query] = vector
            if len(self._query_vectors) > QUERY_CACHE_SIZE:
                self._query_vectors.popitem(last=False)
        return vector

    def _fuse(self, bm25_rank: dict[int, int], dense_rank: dict[int, int]) -> list[tuple[int, float]]:
        """Weighted reciprocal-rank fusion: sum of weight / (rrf_k + rank) over the rankings."""
        config = self.settings.retrieval
        fused: dict[int, float] = {}
        for ranking, weight in ((bm25_rank, config.bm25_weight), (dense_rank, config.dense_weight)):
            for unit, rank in ranking.items():
                fused[unit] = fused.get(unit, 0.0) + weight / (config.rrf_k + rank)
        return sorted(fused.items(), key=lambda item: (-item[1], item[0]))

    def _diversify(self, scored: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
        limit = self.settings.retrieval.per_document
        per_doc: dict[str, int] = {}
        chosen: list[tuple[int, float]] = []
        overflow: list[tuple[int, float]] = []
        for unit, score in scored:
            doc = self._doc_ids[unit]
            if per_doc.get(doc, 0) < limit:
                per_doc[doc] = per_doc.get(doc, 0) + 1
                chosen.append((unit, score))
                if len(chosen) == k:
                    return chosen
            else:
                overflow.append((unit, score))
        # Too few other documents among the candidates: show more of the best ones.
        return sorted(chosen + overflow[: k - len(chosen)], key=lambda item: -item[1])


def load_retriever(settings: Settings, *, embedder: Embedder | None = None) -> Retriever:
    """A Retriever over the verified index in ``settings.index.path``."""
    if embedder is None:
        verify_index(settings)  # fail fast, before loading a model, when the index is unusable
        embedder = load_embedder(settings.embedding)
    return Retriever(load_index(settings, embedder=embedder), embedder, settings)
