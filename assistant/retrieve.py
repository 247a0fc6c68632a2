"""Search the units: BM25, dense (FAISS), or both fused with what the question says.

Hybrid search reads the question (``assistant.question``: dates, correspondents, kinds, the
editor's note) and fuses the two short lists with it (``assistant.fusion``): weighted
reciprocal-rank fusion plus soft metadata boosts by default, or learned weights. ``bm25`` and
``dense`` are each retriever alone, as they rank.

Filters become a mask applied to each retriever's full candidate set (the BM25 scores of every
unit, a FAISS ID selector), so a filter never drops good hits that a short list would have cut.
The fused list keeps at most ``per_document`` units of one document while other documents have
candidates left (diversity), and fills up from the rest only when they run out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence, Set
from typing import TypeVar

import faiss
import numpy as np

from assistant.config import Settings
from assistant.embedding import Embedder, load_embedder
from assistant.filters import UnitFilter
from assistant.fusion import (
    FusionWeights,
    Prior,
    UnitMetadata,
    features,
    fuse,
    named_documents,
)
from assistant.index_store import LoadedIndex, load_index, verify_index
from assistant.lexicon import load_lexicon
from assistant.question import QuestionAnalysis, analyse, describe
from assistant.types import Chunk, Hit, SearchFilters

MODES = ("hybrid", "dense", "bm25")
QUERY_CACHE_SIZE = 512

T = TypeVar("T")


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
        self.metadata = UnitMetadata.of(self.chunks)
        self.lexicon = load_lexicon(str(settings.retrieval.lexicon or "") or None)
        config = settings.retrieval
        self.weights = (FusionWeights.load() if config.fusion == "learned" else
                        FusionWeights.default(config.bm25_weight, config.dense_weight,
                                              config.boost if config.read_question else 0.0))

    def analyse(self, query: str) -> QuestionAnalysis:
        """What the query says about where to look (the corpus's correspondents known)."""
        return analyse(query, self.metadata.correspondents)

    def describe(self, analysis: QuestionAnalysis, language: str) -> str | None:
        """What hybrid search looks for first, in words; a correspondent of nearly every
        document (the volume's author) narrows nothing and is not named."""
        narrowing, seen = [], set()
        for name in analysis.correspondents:
            keys = self.metadata.keys_of(name)
            if self.metadata.narrows(name) and not keys & seen:  # N. / N. I. Boukharine once
                narrowing.append(name)
            seen |= keys
        return describe(analysis, language, correspondents=narrowing)

    def __len__(self) -> int:
        return len(self.chunks)

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        filters: SearchFilters | None = None,
        analysis: QuestionAnalysis | None = None,
        prior: Prior | None = None,
    ) -> list[Hit]:
        """The k best units for the query (FilterError for an invalid filter). Hybrid search
        reads the query (or takes its ``analysis``) and favours the ``prior`` answer's
        documents; neither ever removes a unit."""
        config = self.settings.retrieval
        k = k or config.k
        mode = mode or config.mode
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        mask = self.unit_filter.mask(filters)
        if not query.strip() or (mask is not None and not mask.any()):
            return []
        if mode == "hybrid" and analysis is None and config.read_question:
            analysis = self.analyse(query)
        lexical, dense = self.rankings(query, mode=mode, depth=max(config.candidates, k * 2),
                                       mask=mask, analysis=analysis)
        bm25_rank = {unit: rank for rank, (unit, _) in enumerate(lexical, start=1)}
        dense_rank = {unit: rank for rank, (unit, _) in enumerate(dense, start=1)}
        dense_score = dict(dense)
        scored = lexical if mode == "bm25" else dense
        named: set[str] = set()
        if mode == "hybrid":
            scored, named = self._fuse(lexical, dense, analysis, prior or Prior())
        chosen = self.diversify(scored, k, named)
        return [
            Hit(
                chunk=self.chunks[unit], score=float(score), rank=rank,
                bm25_rank=bm25_rank.get(unit), dense_rank=dense_rank.get(unit),
                dense_score=dense_score.get(unit),
            )
            for rank, (unit, score) in enumerate(chosen, start=1)
        ]

    def rankings(
        self, query: str, *, mode: str = "hybrid", depth: int | None = None,
        mask: np.ndarray | None = None, analysis: QuestionAnalysis | None = None,
    ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The BM25 and dense short lists, (unit, score) best first (an empty list for the
        retriever a mode leaves out); an English question's BM25 gets French words in hybrid."""
        depth = depth or self.settings.retrieval.candidates
        translations = self.translations(analysis) if mode == "hybrid" else ()
        lexical = self._bm25_ranking(query, depth, mask, translations) if mode != "dense" else []
        dense = self._dense_ranking(query, depth, mask) if mode != "bm25" else []
        return lexical, dense

    def translations(self, analysis: QuestionAnalysis | None) -> list[tuple[str, ...]]:
        """French words for each content word of an English question (none otherwise)."""
        if analysis is None or analysis.language != "en":
            return []
        found = (self.lexicon.translations(word) for word in analysis.content_words)
        return [group for group in found if group]

    def _bm25_ranking(
        self, query: str, depth: int, mask: np.ndarray | None,
        translations: list[tuple[str, ...]] | tuple = (),
    ) -> list[tuple[int, float]]:
        scores = self.index.lexical.scores(
            query, translations=translations,
            translation_weight=self.settings.retrieval.translation_weight)
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

    def candidates(self, query: str, *, prior: Prior | None = None) -> tuple[np.ndarray, np.ndarray]:
        """A hybrid search's candidate units and their fusion features (for training)."""
        analysis = self.analyse(query) if self.settings.retrieval.read_question else None
        lexical, dense = self.rankings(query, analysis=analysis)
        return self.candidate_features(lexical, dense, analysis, prior or Prior())

    def candidate_features(
        self, lexical: list[tuple[int, float]], dense: list[tuple[int, float]],
        analysis: QuestionAnalysis | None, prior: Prior,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The candidate units (both short lists) and their fusion feature rows."""
        bm25 = {unit: (rank, score) for rank, (unit, score) in enumerate(lexical, start=1)}
        vectors = {unit: (rank, score) for rank, (unit, score) in enumerate(dense, start=1)}
        units = np.array(sorted(bm25.keys() | vectors.keys()), dtype=np.int64)
        rows = features(units, analysis, self.metadata, bm25=bm25, dense=vectors,
                        rrf_k=self.settings.retrieval.rrf_k, prior=prior)
        return units, rows

    def _fuse(self, lexical: list[tuple[int, float]], dense: list[tuple[int, float]],
              analysis: QuestionAnalysis | None, prior: Prior,
              ) -> tuple[list[tuple[int, float]], set[str]]:
        """One linear score per candidate (RRF and soft boosts by default; see fusion.py), and
        the documents the question names (by correspondent and date)."""
        units, rows = self.candidate_features(lexical, dense, analysis, prior)
        return fuse(units, rows, self.weights), named_documents(units, rows, self.metadata)

    def diversify(self, scored: list[tuple[int, float]], k: int,
                  named: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, float]]:
        """At most ``per_document`` units of a document (any number of the ``named`` ones)
        while other documents have candidates left."""
        return at_most_per_document(scored, lambda item: self._doc_ids[item[0]],
                                    self.settings.retrieval.per_document, k, named)


def at_most_per_document(items: Sequence[T], document_of: Callable[[T], str], limit: int,
                         n: int, exempt: Set[str] = frozenset()) -> list[T]:
    """The first ``n`` of the ranked ``items`` with at most ``limit`` of one document (the
    ``exempt`` documents aside) while other documents have items left; when they run out, the
    places left go to the next ones passed over. Rank order is kept."""
    chosen: list[int] = []
    overflow: list[int] = []
    counts: dict[str, int] = {}
    for index, item in enumerate(items):
        if len(chosen) == n:
            break
        doc = document_of(item)
        if counts.get(doc, 0) < limit or doc in exempt:
            counts[doc] = counts.get(doc, 0) + 1
            chosen.append(index)
        else:
            overflow.append(index)
    # Too few other documents: the places left go to more of the best ones.
    return [items[i] for i in sorted(chosen + overflow[: n - len(chosen)])]


def load_retriever(settings: Settings, *, embedder: Embedder | None = None) -> Retriever:
    """A Retriever over the verified index in ``settings.index.path``."""
    if embedder is None:
        verify_index(settings)  # fail fast, before loading a model, when the index is unusable
        embedder = load_embedder(settings.embedding)
    return Retriever(load_index(settings, embedder=embedder), embedder, settings)
