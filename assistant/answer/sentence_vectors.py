"""The optional dense re-scoring of the best candidate sentences (``evidence.dense_rerank``).

Sentence embeddings are remembered (a conversation keeps reading the same letters); each new
one costs an embedder pass, hence the cap. Its cost, and why it is off by default, are in
``EvidenceSettings.dense_rerank``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from assistant.answer.asked import ParsedQuestion
from assistant.answer.scoring import Sentence


class SentenceVectors:
    """Sentence embeddings of one embedder, least recently used dropped past ``size``."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, embedder, texts: list[str]) -> np.ndarray:
        key = getattr(embedder, "id", type(embedder).__name__)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if (key, t) not in self._vectors]
        if missing:
            fresh = np.asarray(embedder.embed_passages(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[(key, text)] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        with self._lock:
            for text in texts:
                self._vectors.move_to_end((key, text))
            return np.stack([self._vectors[(key, text)] for text in texts])


def rerank_dense(question: ParsedQuestion, candidates: list[Sentence], embedder,
                 query_vector, limit: int, weight: float, vectors: SentenceVectors) -> None:
    """Embed the ``limit`` best candidates in one batch and add their dense similarity,
    rescaled within the batch and times ``weight``, to their score."""
    if embedder is None or limit <= 0 or len(candidates) < 2:
        return
    chosen = sorted(candidates, key=lambda c: -c.score)[:limit]
    query = np.asarray((query_vector or embedder.embed_query)(question.text), dtype=np.float32)
    similarities = vectors.get(embedder, [c.text for c in chosen]) @ query
    low, high = float(similarities.min()), float(similarities.max())
    for candidate, similarity in zip(chosen, similarities, strict=True):
        candidate.dense = float(similarity)
        if high > low:
            candidate.score += weight * (float(similarity) - low) / (high - low)
