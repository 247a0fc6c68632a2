"""The dense vector of every unit, embedding only what no earlier build has embedded.

Every embedded string is cached by content hash (sha256 of the embedder id and the string), so
a rebuild after editing one document embeds only that document's changed units.

Two ways to put a unit's context into its vector:

- ``joint``: embed ``embed_text`` (header, call sentence and text) in one pass;
- ``composed`` (default): embed each document's header once and add its vector to its units'
  text vectors (``header_weight``); a footnote unit also gets the vector of the text chunk where
  its marker stands (``context_weight``). Headers and call sentences are then not embedded again
  with every unit: about a quarter fewer tokens to embed. On the evaluation set the hybrid
  hit@5 is the same as with joint embedding (0.88), dense alone slightly lower.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder
from assistant.types import Chunk

CACHE_LIMIT_FACTOR = 4  # the cache keeps at most this many times the current string count


def cache_key(embedder_id: str, text: str) -> str:
    return hashlib.sha256(f"{embedder_id}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors by content hash, read from and written to one ``.npz`` file."""

    def __init__(self, vectors: dict[str, np.ndarray] | None = None) -> None:
        self.vectors = vectors or {}
        self.used: list[str] = []

    @classmethod
    def read(cls, path: Path) -> EmbeddingCache:
        """The previous index's cache; a missing or unreadable cache is simply empty."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(dict(zip(data["keys"].tolist(), data["vectors"], strict=True)))
        except (OSError, KeyError, ValueError):
            return cls()

    def write(self, path: Path) -> None:
        """Vectors used by this build first, then older ones (a quick way back to earlier
        settings), at most ``CACHE_LIMIT_FACTOR`` times as many."""
        keep = list(dict.fromkeys(self.used))
        seen = set(keep)
        room = max(len(keep) * CACHE_LIMIT_FACTOR, 1000) - len(keep)
        keep += [key for key in self.vectors if key not in seen][: max(0, room)]
        dim = len(next(iter(self.vectors.values()))) if self.vectors else 1
        matrix = np.stack([self.vectors[k] for k in keep]) if keep else np.zeros((0, dim))
        with path.open("wb") as handle:
            np.savez(handle, keys=np.array(keep, dtype="<U64"), vectors=matrix.astype(np.float32))


def _progress_bar(total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), transient=True,
    )


def embed_strings(
    texts: Sequence[str],
    embedder: Embedder,
    cache: EmbeddingCache,
    *,
    batch_size: int = 32,
    progress: bool = False,
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts`` (cached ones reused) and how many had to be embedded."""
    keys = [cache_key(embedder.id, text) for text in texts]
    cache.used.extend(keys)
    missing = list({key: i for i, key in enumerate(keys) if key not in cache.vectors}.values())
    # Similar lengths together: the batches finish evenly across the engine's threads.
    missing.sort(key=lambda i: len(texts[i]))
    batches = [missing[i : i + batch_size] for i in range(0, len(missing), batch_size)]
    bar = _progress_bar(len(missing)) if progress and missing else None
    task = bar.add_task("Embedding", total=len(missing)) if bar else None
    if bar:
        bar.start()
    try:
        for batch in batches:
            vectors = embedder.embed_passages([texts[i] for i in batch])
            for i, vector in zip(batch, vectors, strict=True):
                cache.vectors[keys[i]] = np.asarray(vector, dtype=np.float32)
            if bar:
                bar.advance(task, len(batch))
    finally:
        if bar:
            bar.stop()
    dim = embedder.dim
    matrix = np.stack([cache.vectors[key] for key in keys]) if keys else np.zeros((0, dim))
    return np.ascontiguousarray(matrix, dtype=np.float32), len(missing)


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


def embedded_text(chunk: Chunk, composed: bool) -> str:
    """The longest string embedded for a unit (its text alone when headers are composed)."""
    return chunk.text if composed else chunk.embed_text


def unit_vectors(
    chunks: list[Chunk],
    embedder: Embedder,
    cache: EmbeddingCache,
    *,
    composed: bool = True,
    header_weight: float = 0.5,
    context_weight: float = 0.5,
    batch_size: int = 32,
    progress: bool = False,
) -> tuple[np.ndarray, int]:
    """One L2-normalised vector per unit, and the number of strings actually embedded."""
    if not composed:
        return embed_strings(
            [c.embed_text for c in chunks], embedder, cache, batch_size=batch_size,
            progress=progress,
        )
    headers = sorted({chunk.header for chunk in chunks})
    strings = [chunk.text for chunk in chunks] + headers
    vectors, embedded = embed_strings(
        strings, embedder, cache, batch_size=batch_size, progress=progress
    )
    text_vectors = vectors[: len(chunks)]
    header_vectors = dict(zip(headers, vectors[len(chunks) :], strict=True))
    holder: dict[tuple[str, int], int] = {}
    for index, chunk in enumerate(chunks):
        for note in chunk.footnotes:
            holder.setdefault((chunk.doc_id, note), index)
    mixed = text_vectors + header_weight * np.stack([header_vectors[c.header] for c in chunks])
    for index, chunk in enumerate(chunks):
        context = holder.get((chunk.doc_id, chunk.footnote)) if chunk.footnote else None
        if context is not None:
            mixed[index] += context_weight * text_vectors[context]
    return _normalise_rows(mixed), embedded
