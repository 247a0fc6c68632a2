"""The answering chain, in order: prepare → condense → retrieve → answer → cite.

Each step is a named LangChain Runnable (a trace reads like the pipeline) working on one state
dict; the collaborators (retriever, chat model) are passed in. ``ask`` returns the ``Answer``;
``stream_ask`` yields the answer text as it grows, then the ``Answer``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import citations, condense, extractive, previous
from assistant.answer import llm as llm_answerer
from assistant.answer.language import detect_language, is_latin
from assistant.answer.phrases import (
    EMPTY_QUESTION,
    FILTERS,
    FOLLOW_UP,
    LOOKING_FIRST,
    NO_WORDS,
    OTHER_SCRIPT,
    TRUNCATED,
)
from assistant.answer.textnorm import clean_question, words
from assistant.config import Settings
from assistant.errors import AssistantError, QuestionError
from assistant.types import Answer, Citation, Hit, SearchFilters

State = dict[str, Any]


def build_chain(*, retriever, settings: Settings, llm=None, volume_of=None) -> Runnable:
    """The whole pipeline, in the order it runs."""

    def step(name: str, function: Callable[[State], State]) -> Runnable:
        def timed(state: State) -> State:
            started = time.perf_counter()
            state = function(state)
            state["timings"][name] = round((time.perf_counter() - started) * 1000, 1)
            return state

        return RunnableLambda(timed).with_config(run_name=name)

    return (
        step("prepare", lambda s: prepare(s, settings))
        | step("condense", lambda s: condense_step(s, settings, llm, retriever))
        | step("retrieve", lambda s: retrieve_step(s, settings, retriever))
        | step("answer", lambda s: answer_step(s, settings, retriever, llm))
        | step("cite", lambda s: cite_step(s, volume_of))
    ).with_config(run_name="ask")


def check_question(question: str | None) -> str:
    """The question without control or zero-width characters (QuestionError if nothing is
    left to ask)."""
    question = clean_question(question or "")
    if not question:
        raise QuestionError(EMPTY_QUESTION)
    if not words(question):
        raise QuestionError(NO_WORDS)
    return question


def prepare(state: State, settings: Settings) -> State:
    """Clean and check the question; find its language."""
    question = check_question(state["question"])
    history: Sequence[Answer] = state["history"]
    previous_language = history[-1].language if history else "fr"
    language = detect_language(question, default=previous_language)
    notices = state["notices"]
    limit = settings.answer.max_question_chars
    if len(question) > limit:
        question = question[:limit].rsplit(" ", 1)[0] or question[:limit]
        language = detect_language(question, default=previous_language)
        notices.append(TRUNCATED[language].format(n=limit))
    if not is_latin(question):
        language = "en"
        notices.append(OTHER_SCRIPT[language])
    state.update(question=question, language=language)
    return state


def condense_step(state: State, settings: Settings, llm, retriever) -> State:
    question, language = state["question"], state["language"]
    chat = llm if state["mode"] == "llm" else None
    state["request"] = previous.request_of(question, state["history"], retriever.analyse)
    standalone = question if state["request"] else condense.condense(
        question, state["history"], llm=chat, language=language,
        prompts_dir=settings.answer.prompts_dir)
    if standalone != question:
        state["notices"].append(FOLLOW_UP[language].format(q=standalone))
    state["standalone"] = standalone
    return state


def retrieve_step(state: State, settings: Settings, retriever) -> State:
    # `k` is how many passages are retrieved (retrieval.k unless given); the answerer reads
    # the first `answer.sources` of them, so a larger k (the evaluation's 10) changes what is
    # ranked and shown, never what the answer is built from.
    retrieved = state["k"] or settings.retrieval.k
    sources = max(min(retrieved, settings.answer.sources), 1)
    filters: SearchFilters | None = state["filters"]
    if state["request"]:  # about the previous answer itself: answered from it, no search
        state["hits"] = state["sources"] = previous.sources_for(
            state["request"], state["history"][-1], retriever.chunks)
        state["notices"].append(previous.FROM_PREVIOUS[state["language"]])
        return state
    searching = state["search_mode"] or settings.retrieval.mode
    analysis = retriever.analyse(state["standalone"]) if searching == "hybrid" else None
    prior = condense.prior_of(state["question"], state["history"])
    hits = retriever.search(state["standalone"], k=max(sources, retrieved),
                            mode=state["search_mode"], filters=filters, analysis=analysis,
                            prior=prior)
    state["hits"] = list(hits)
    state["sources"] = list(hits[:sources])
    understood = retriever.describe(analysis, state["language"]) if analysis else None
    if understood and settings.retrieval.read_question:
        state["notices"].append(LOOKING_FIRST[state["language"]].format(what=understood))
    if filters is not None and not filters.is_empty():
        state["notices"].append(FILTERS[state["language"]].format(f=describe_filters(filters)))
    return state


def answer_step(state: State, settings: Settings, retriever, llm) -> State:
    """Extractive evidence first: weak evidence refuses in both modes (no model call); with an
    LLM the model then writes the answer from the numbered sources."""
    options = settings.answer
    language, sources = state["language"], state["sources"]
    if state["request"] and not (state["mode"] == "llm" and state["request"] == "translation"):
        state["draft"] = previous.draft_for(state["request"], sources, language)
        return state
    embedder = getattr(retriever, "embedder", None)
    stats = extractive.term_stats(getattr(retriever, "chunks", None))
    draft = extractive.answer(state["standalone"], sources, language=language, embedder=embedder,
                              query_vector=getattr(retriever, "query_vector", None), stats=stats, max_sentences=options.max_sentences,
                              refusal_threshold=options.refusal_threshold,
                              dense_rerank=options.dense_rerank)
    state["evidence"] = draft.evidence
    if state["mode"] == "llm" and not draft.refused:
        budget = llm_answerer.source_budget(len(sources), options.llm_context,
                                            options.max_new_tokens)
        messages = llm_answerer.build_messages(state["standalone"], sources, language=language,
                                               prompts_dir=options.prompts_dir, max_chars=budget)
        draft = llm_answerer.answer(llm, messages, on_text=state.get("on_text"))
        state["streamed"] = True
        if citations.is_refusal(draft.text):
            draft = extractive.Draft(draft.text, refused=True, evidence=state["evidence"])
    state["draft"] = draft
    return state


def cite_step(state: State, volume_of) -> State:
    draft: extractive.Draft = state["draft"]
    language, sources = state["language"], state["sources"]
    if draft.refused:
        cited = citations.Cited(draft.text, ())
        nearest = draft.see_also or tuple((i, "") for i in range(min(3, len(sources))))
        see_also = tuple(_uncited(n, sources[i], quote, language, volume_of)
                         for n, (i, quote) in enumerate(nearest, start=1))
    else:
        cited = citations.postprocess(draft.text, sources, language=language, volume_of=volume_of,
                                      quotes=draft.quotes)
        see_also = ()
    if state.get("on_text") is not None and not state.get("streamed"):
        state["on_text"](cited.text)  # the extractive answer appears whole, as it will stay
    state["answer"] = Answer(
        question=state["question"], standalone_question=state["standalone"], language=language,
        text=cited.text, refused=draft.refused, citations=cited.citations,
        hits=tuple(state["hits"]), see_also=see_also, mode=state["mode"],
        notices=tuple(dict.fromkeys(state["notices"])), timings=state["timings"],
    )
    return state


def _uncited(n: int, hit: Hit, quote: str, language: str, volume_of) -> Citation:
    volume = volume_of(hit.chunk.doc_id) if volume_of else None
    return citations.make_citation(n, hit, quote=quote or hit.chunk.text[:300], volume=volume,
                                   language=language)


def describe_filters(filters: SearchFilters) -> str:
    names = {"after": "after", "before": "before", "correspondent": "correspondent",
             "kind": "kind", "file": "file", "unit_type": "units"}
    return ", ".join(f"{label} {getattr(filters, field)}" for field, label in names.items()
                     if getattr(filters, field))


def _initial_state(question, history, *, filters, k, mode, search_mode) -> State:
    return {"question": question, "history": tuple(history or ()), "filters": filters, "k": k,
            "mode": mode, "search_mode": search_mode, "notices": [], "timings": {}}


def _resolve_mode(mode: str | None, settings: Settings, llm) -> str:
    mode = mode or settings.answer.mode
    if mode not in ("extractive", "llm"):
        raise AssistantError(f"Unknown answer mode {mode!r}: use 'extractive' or 'llm'.")
    if mode == "llm" and llm is None:
        raise AssistantError("No LLM is configured: pass --llm llamacpp:<path.gguf> or "
                             "openai:<model>, or set ASSISTANT_ANSWER__LLM.")
    return mode


def ask(question: str, history: Sequence[Answer] = (), *, retriever, llm=None,
        settings: Settings, filters: SearchFilters | None = None, k: int | None = None,
        mode: str | None = None, search_mode: str | None = None, volume_of=None) -> Answer:
    """Answer ``question`` (a follow-up of ``history``, the previous turns' answers)."""
    started = time.perf_counter()
    mode = _resolve_mode(mode, settings, llm)
    chain = build_chain(retriever=retriever, settings=settings, llm=llm, volume_of=volume_of)
    state = chain.invoke(_initial_state(question, history, filters=filters, k=k, mode=mode,
                                        search_mode=search_mode))
    return _finish(state, started)


def _finish(state: State, started: float) -> Answer:
    answer: Answer = state["answer"]
    timings = dict(state["timings"], total=round((time.perf_counter() - started) * 1000, 1))
    # Not a duration: the extractive evidence score, which the refusal threshold is set on.
    timings["evidence"] = state.get("evidence", 0.0)
    return answer.model_copy(update={"timings": timings})


def stream_ask(question: str, history: Sequence[Answer] = (), *, retriever, llm=None,
               settings: Settings, filters: SearchFilters | None = None, k: int | None = None,
               mode: str | None = None, search_mode: str | None = None,
               volume_of=None) -> Iterator[str | Answer]:
    """Yield the answer text so far (str) while it is written, then the final ``Answer``.

    The chain runs in a worker thread; the answer step reports its growing text through a
    queue. Errors are raised here, in the caller's thread.
    """
    started = time.perf_counter()
    mode = _resolve_mode(mode, settings, llm)
    chain = build_chain(retriever=retriever, settings=settings, llm=llm, volume_of=volume_of)
    updates: queue.Queue = queue.Queue()
    state = _initial_state(question, history, filters=filters, k=k, mode=mode,
                           search_mode=search_mode)
    state["on_text"] = lambda text: updates.put(("text", text))

    def run() -> None:
        try:
            updates.put(("done", chain.invoke(state)))
        except BaseException as error:  # handed to the caller's thread
            updates.put(("error", error))

    worker = threading.Thread(target=run, name="ask", daemon=True)
    worker.start()
    while True:
        kind, value = updates.get()
        if kind == "text":
            yield value
        elif kind == "error":
            raise value
        else:
            yield _finish(value, started)
            return
