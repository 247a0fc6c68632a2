"""LangChain at the edge: our Retriever as a ``BaseRetriever`` returning ``Document``s.

``page_content`` is the quotable chunk text; ``metadata`` carries every Chunk field plus the
hit's score and ranks, so ``hit_from_document`` can rebuild the Hit exactly.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from assistant.retrieve import Retriever
from assistant.types import Answer, Chunk, Hit, SearchFilters

_HIT_FIELDS = ("score", "rank", "bm25_rank", "dense_rank", "dense_score")


def document_from_hit(hit: Hit) -> LCDocument:
    """A LangChain Document: chunk text as content, chunk fields and scores as metadata."""
    metadata: dict[str, Any] = hit.chunk.model_dump(mode="json", exclude={"text"})
    metadata.update({name: getattr(hit, name) for name in _HIT_FIELDS})
    return LCDocument(page_content=hit.chunk.text, metadata=metadata, id=hit.chunk.id)


def hit_from_document(document: LCDocument) -> Hit:
    """The Hit a Document was made from (inverse of ``document_from_hit``)."""
    metadata = dict(document.metadata)
    hit_values = {name: metadata.pop(name, None) for name in _HIT_FIELDS}
    chunk = Chunk.model_validate({**metadata, "text": document.page_content})
    return Hit(chunk=chunk, **{k: v for k, v in hit_values.items() if v is not None})


class LettersRetriever(BaseRetriever):
    """LangChain retriever over the letters' index (hybrid search, filters, diversity).

    ``k``, ``mode`` and ``filters`` set at construction are the defaults; ``invoke(query,
    k=3)`` (LangChain's call-time keyword) overrides them for one call.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int | None = None
    mode: str | None = None
    filters: SearchFilters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None, mode: str | None = None, filters: SearchFilters | None = None,
    ) -> list[LCDocument]:
        hits = self.retriever.search(
            query, k=k if k is not None else self.k, mode=mode or self.mode,
            filters=filters if filters is not None else self.filters,
        )
        return [document_from_hit(hit) for hit in hits]


def answer_runnable(services) -> Runnable:
    """The answering chain as a LangChain Runnable: a question (str), or {"question",
    "history", "filters", "k"}, in; our ``Answer`` (text, citations, refusal) out."""

    def answer(request: str | dict) -> Answer:
        if isinstance(request, str):
            request = {"question": request}
        return services.ask(request["question"], tuple(request.get("history", ())),
                            filters=request.get("filters"), k=request.get("k"))

    return RunnableLambda(answer).with_config(run_name="letters_answer")
