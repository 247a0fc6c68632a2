"""What the CLI and the UI talk to: the corpus, the retriever, the corpus statistics the
answerer weighs words with, and the optional chat model.

``Services.load(settings)`` loads the corpus and the index (a clear error with the repair
command when the index is missing or stale); ``Services.create`` takes ready-made parts (tests).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant import chain
from assistant.answer.corpus_stats import CorpusStats
from assistant.config import Settings
from assistant.types import Answer, Corpus, Document, SearchFilters

_DOC_ID = re.compile(r"^\d{3}-[a-z]?\d{2,3}$")  # 004-017, 004-f01, 004-b01


@dataclass
class Services:
    settings: Settings
    corpus: Corpus | None
    retriever: Any
    stats: CorpusStats | None = None
    llm: Any = None
    embedder: Any = None  # for answer.evidence.dense_rerank only
    _llm_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _documents: dict[str, Document] = field(default_factory=dict, repr=False)

    @classmethod
    def create(cls, settings: Settings, *, corpus: Corpus | None = None, retriever: Any = None,
               llm: Any = None, stats: CorpusStats | None = None, embedder: Any = None
               ) -> Services:
        """Services from parts; a missing retriever is loaded from ``settings``, missing
        statistics are computed from the retriever's units (``retriever.chunks``)."""
        if retriever is None:
            from assistant.retrieve import load_retriever

            retriever = load_retriever(settings)
            embedder = embedder or retriever.embedder
        if stats is None and retriever.chunks:
            stats = CorpusStats.from_chunks(retriever.chunks)
        services = cls(settings=settings, corpus=corpus, retriever=retriever, stats=stats,
                       llm=llm, embedder=embedder)
        if corpus is not None:
            services._documents = {doc.id: doc for doc in corpus.documents}
        return services

    @classmethod
    def load(cls, settings: Settings) -> Services:
        """Load the corpus and the index (IndexMissingError / IndexMismatchError say how to
        rebuild it). The chat model, if configured, is loaded on first use."""
        from assistant.corpus import load_corpus
        from assistant.retrieve import load_retriever

        retriever = load_retriever(settings)
        return cls.create(settings, corpus=load_corpus(settings.corpus), retriever=retriever,
                          embedder=retriever.embedder)

    # --- Chat model ----------------------------------------------------------------------

    @property
    def llm_available(self) -> bool:
        """A chat model was given or is configured (``answer.llm``)."""
        return self.llm is not None or bool(self.settings.answer.llm)

    def chat_model(self) -> Any:
        """The chat model, loaded once from ``answer.llm`` if none was given (LLMError)."""
        if self.llm is None and self.settings.answer.llm:
            with self._llm_lock:
                if self.llm is None:
                    from assistant.answer.llm import load_chat_model

                    self.llm = load_chat_model(self.settings.answer.llm, self.settings)
        return self.llm

    def _model_for(self, mode: str | None) -> Any:
        mode = mode or self.settings.answer.mode
        return self.chat_model() if mode == "llm" else self.llm

    # --- Questions -----------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[Answer] = (), *,
            filters: SearchFilters | None = None, mode: str | None = None,
            k: int | None = None) -> Answer:
        """Answer a question; ``history`` holds the previous turns' answers, oldest first."""
        return chain.ask(question, tuple(history), retriever=self.retriever,
                         llm=self._model_for(mode), settings=self.settings, filters=filters,
                         k=k, mode=mode, volume_of=self.volume_of, stats=self.stats,
                         embedder=self.embedder)

    def stream(self, question: str, history: Sequence[Answer] = (), *,
               filters: SearchFilters | None = None, mode: str | None = None,
               k: int | None = None) -> Iterator[str | Answer]:
        """The answer text as it grows (str), then the final ``Answer``."""
        return chain.stream_ask(question, tuple(history), retriever=self.retriever,
                                llm=self._model_for(mode), settings=self.settings,
                                filters=filters, k=k, mode=mode, volume_of=self.volume_of,
                                stats=self.stats, embedder=self.embedder)

    # --- Documents -----------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        """The document with this id ('004-017'); anything else is simply not found."""
        if not isinstance(doc_id, str) or not _DOC_ID.match(doc_id):
            return None
        return self._documents.get(doc_id)

    def volume_of(self, doc_id: str) -> str | None:
        document = self._documents.get(doc_id)
        return document.volume or None if document is not None else None
