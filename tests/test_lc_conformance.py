"""LangChain's own standard suite (langchain-tests RetrieversIntegrationTests) against
``LettersRetriever`` on the real index, and the answer chain used as a LangChain Runnable."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document as LCDocument
from langchain_core.runnables import RunnableLambda
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.lc import LettersRetriever, answer_runnable
from assistant.types import Answer

pytestmark = pytest.mark.slow
_ENGINE: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _letters_index(settings, built_index, embedder):
    """The real retriever, where the suite's class properties can reach it."""
    from assistant.retrieve import load_retriever

    _ENGINE["retriever"] = load_retriever(settings, embedder=embedder)


class TestLettersRetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[LettersRetriever]:
        return LettersRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"retriever": _ENGINE["retriever"]}

    @property
    def retriever_query_example(self) -> str:
        return "Qui était Benjamin Stolberg ?"


def test_call_time_k_overrides_the_constructor_k():
    retriever = LettersRetriever(retriever=_ENGINE["retriever"], k=8)
    assert len(retriever.invoke("Benjamin Stolberg", k=2)) == 2
    assert len(retriever.invoke("Benjamin Stolberg")) == 8


def test_the_answer_chain_is_a_runnable(services):
    chain = answer_runnable(services) | RunnableLambda(
        lambda answer: (answer.text, [c.doc_id for c in answer.citations]))
    text, documents = chain.invoke("Qui était Benjamin Stolberg ?")
    assert "Stolberg" in text and documents
    answer = answer_runnable(services).invoke({"question": "Qui était Benjamin Stolberg ?",
                                                "k": 4})
    assert isinstance(answer, Answer) and not answer.refused
    docs = LettersRetriever(retriever=_ENGINE["retriever"]).invoke("Stolberg", k=1)
    assert isinstance(docs[0], LCDocument) and docs[0].metadata["file"]
