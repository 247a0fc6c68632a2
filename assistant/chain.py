"""The answering chain, in order: prepare → condense → retrieve → answer → cite.

Each step is a named LangChain Runnable (a trace reads like the pipeline) and a function of the
frozen ``ChainState``, returning a copy with its fields filled in; the collaborators (retriever,
chat model, corpus statistics, embedder) are passed in. ``ask`` returns the ``Answer``;
``stream_ask`` yields the answer text as it grows, then the ``Answer``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import citations, condense, extractive, generate, previous
from assistant.answer.asked import question_parts
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.language import detect_language, is_latin
from assistant.answer.phrases import (
    EMPTY_QUESTION,
    FOLLOW_UP,
    LOOKING_FIRST,
    NO_WORDS,
    OTHER_SCRIPT,
    TRUNCATED,
)
from assistant.config import AnswerSettings, Settings
from assistant.errors import AssistantError, QuestionError
from assistant.retrieve import at_most_per_document
from assistant.text import clean_question, describe_filters, words
from assistant.types import Answer, ChainState, Citation, Cited, Hit, SearchFilters

Step = Callable[[ChainState], ChainState]


def build_chain(*, retriever, settings: Settings, llm=None, volume_of=None,
                stats: CorpusStats | None = None, embedder=None) -> Runnable:
    """The whole pipeline, in the order it runs. ``stats`` (the corpus's term statistics)
    weighs the question's words; ``embedder`` serves only ``answer.evidence.dense_rerank``."""

    def step(name: str, function: Step) -> Runnable:
        def timed(state: ChainState) -> ChainState:
            started = time.perf_counter()
            state = function(state)
            spent = round((time.perf_counter() - started) * 1000, 1)
            return replace(state, timings={**state.timings, name: spent})

        return RunnableLambda(timed).with_config(run_name=name)

    return (
        step("prepare", lambda s: prepare(s, settings))
        | step("condense", lambda s: condense_step(s, settings, llm, retriever))
        | step("retrieve", lambda s: retrieve_step(s, settings, retriever))
        | step("answer", lambda s: answer_step(s, settings, llm, stats, embedder,
                                               retriever.lexicon))
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


def prepare(state: ChainState, settings: Settings) -> ChainState:
    """Clean and check the question; find its language."""
    question = check_question(state.question)
    previous_language = state.history[-1].language if state.history else "fr"
    language = detect_language(question, default=previous_language)
    notices = list(state.notices)
    limit = settings.answer.max_question_chars
    if len(question) > limit:
        question = question[:limit].rsplit(" ", 1)[0] or question[:limit]
        language = detect_language(question, default=previous_language)
        notices.append(TRUNCATED[language].format(n=limit))
    if not is_latin(question):
        language = "en"
        notices.append(OTHER_SCRIPT[language])
    return replace(state, question=question, language=language, notices=tuple(notices))


def condense_step(state: ChainState, settings: Settings, llm, retriever) -> ChainState:
    """A follow-up question made standalone from the conversation, unless it asks about the
    previous answer itself (the whole letter, its note, a translation): that is answered
    from the previous answer, not searched."""
    request = previous.request_of(state.question, state.history, retriever.analyse)
    if request:
        return replace(state, standalone=state.question, request=request)
    chat = llm if state.mode == "llm" else None
    standalone = condense.condense(state.question, state.history, llm=chat,
                                   language=state.language,
                                   prompts_dir=settings.answer.prompts_dir)
    notices = state.notices
    if standalone != state.question:
        notices += (FOLLOW_UP[state.language].format(q=standalone),)
    return replace(state, standalone=standalone, notices=notices)


def retrieve_step(state: ChainState, settings: Settings, retriever) -> ChainState:
    # `k` is how many passages are retrieved (retrieval.k unless given); the answerer reads
    # `answer.sources` of the first `answer.source_pool` (sources_read), so a larger k (the
    # evaluation's 10) changes what is ranked and shown, never what the answer is built from.
    retrieved = state.k or settings.retrieval.k
    sources = max(min(retrieved, settings.answer.sources), 1)
    if state.request:  # about the previous answer itself: answered from it, no search
        units = tuple(previous.sources_for(state.request, state.history[-1], retriever.chunks))
        return replace(state, hits=units, sources=units,
                       notices=state.notices + (previous.FROM_PREVIOUS[state.language],))
    searching = state.search_mode or settings.retrieval.mode
    analysis = retriever.analyse(state.standalone) if searching == "hybrid" else None
    prior = condense.prior_of(state.question, state.history)
    pool = max(sources, settings.answer.source_pool)
    hits = tuple(retriever.search(state.standalone, k=max(pool, retrieved),
                                  mode=state.search_mode, filters=state.filters,
                                  analysis=analysis, prior=prior))
    notices = state.notices
    understood = retriever.describe(analysis, state.language) if analysis else None
    if understood and settings.retrieval.read_question:
        notices += (LOOKING_FIRST[state.language].format(what=understood),)
    described = describe_filters(state.filters, state.language)
    if described:
        notices += (described[0].upper() + described[1:],)
    read = sources_read(hits, sources, settings.answer)
    if settings.answer.part_search:
        read = with_part_sources(read, question_parts(state.question),
                                 lambda part: retriever.search(
                                     part, k=settings.answer.part_search, mode=state.search_mode,
                                     filters=state.filters, prior=prior))
    return replace(state, hits=hits[:retrieved], sources=read, notices=notices)


def sources_read(hits: Sequence[Hit], n: int, options: AnswerSettings) -> tuple[Hit, ...]:
    """The ``n`` hits the answerer reads: the best of the first ``source_pool``, at most
    ``per_document`` of one document. Retrieval already shows at most ``retrieval.per_document``
    units of a document except of one the question names (its correspondent and date); so in
    effect this cap is for that letter, whose chunks and notes can otherwise fill every place
    and leave none for the note or the other document that a comparison needs."""
    pool = hits[: max(n, options.source_pool)]
    return tuple(at_most_per_document(pool, lambda hit: hit.chunk.doc_id, options.per_document, n))


def with_part_sources(read: tuple[Hit, ...], parts: Sequence[str],
                      search: Callable[[str], Sequence[Hit]]) -> tuple[Hit, ...]:
    """The sources read, with the best unit of each part's own search that they lack in
    place of the last ones (the best source always stays). A question asking several things
    ("What does A say, and what does B report?") is worded mostly about its first part: the
    whole question's search finds A's letter, B's words only in a search of their own."""
    if len(parts) < 2 or not read:
        return read
    have = {hit.chunk.id for hit in read}
    extra: list[Hit] = []
    for part in parts:
        new = next((hit for hit in search(part) if hit.chunk.id not in have), None)
        if new is not None:
            extra.append(new)
            have.add(new.chunk.id)
    kept = read[: max(1, len(read) - len(extra))]
    return (*kept, *extra[: len(read) - len(kept)])


def answer_step(state: ChainState, settings: Settings, llm, stats: CorpusStats | None,
                embedder, english=None) -> ChainState:
    """Extractive evidence first: weak evidence refuses in both modes (no model call); with an
    LLM the model then writes the answer from the numbered sources. ``english`` (search's
    English-French lexicon) tells an English word from a name the corpus never mentions."""
    options = settings.answer
    if state.request and not (state.mode == "llm" and state.request == "translation"):
        return replace(state, draft=previous.draft_for(state.request, state.sources,
                                                       state.language))
    draft = extractive.answer(state.standalone, state.sources, language=state.language,
                              stats=stats, max_sentences=options.max_sentences,
                              settings=options.evidence, embedder=embedder,
                              turn=state.question, english=english)
    if state.mode == "llm" and (draft.status == "answered" or state.request):
        draft = generate.write(llm, state.standalone, state.sources, language=state.language,
                               options=options, evidence=draft.evidence, on_text=state.on_text)
        return replace(state, draft=draft, streamed=True)
    return replace(state, draft=draft)


def cite_step(state: ChainState, volume_of) -> ChainState:
    """Renumber and verify the draft's citations (or list the closest passages, uncited)."""
    draft, language, sources = state.draft, state.language, state.sources
    if draft.refused:
        cited = Cited(draft.text, ())
        nearest = draft.see_also or tuple((i, "") for i in range(min(3, len(sources))))
        see_also = tuple(_uncited(n, sources[i], quote, language, volume_of)
                         for n, (i, quote) in enumerate(nearest, start=1))
    else:
        cited = citations.postprocess(draft.text, sources, language=language, volume_of=volume_of,
                                      quotes=draft.quotes)
        see_also = ()
    if state.on_text is not None and not state.streamed:
        state.on_text(cited.text)  # the extractive answer appears whole, as it will stay
    answer = Answer(
        question=state.question, standalone_question=state.standalone, language=language,
        text=cited.text, status=draft.status, refused=draft.refused, citations=cited.citations,
        hits=cited_first(state.hits, sources, cited.citations), see_also=see_also,
        mode=state.mode,
        sources=sources,
        notices=tuple(dict.fromkeys(state.notices)), timings=dict(state.timings),
    )
    return replace(state, answer=answer)


def cited_first(hits: Sequence[Hit], sources: Sequence[Hit], cited: Sequence[Citation]
                ) -> tuple[Hit, ...]:
    """The passages shown with the answer: those it quotes first, in the order of their [n]
    (a cited source that search ranked lower, or found for one part of the question, moves
    up), then the others in search order; as many as search returned, ranked anew. The
    answerer's sentence evidence reranks what search found: on the development questions the
    passage quoted first held the answer more often than the one search ranked first."""
    by_id = {hit.chunk.id: hit for hit in (*sources, *hits)}
    first = list({c.unit_id: by_id[c.unit_id] for c in cited if c.unit_id in by_id}.values())
    moved = {hit.chunk.id for hit in first}
    rest = []
    for hit in hits:  # each moved passage leaves its place (once)
        if hit.chunk.id in moved:
            moved.discard(hit.chunk.id)
        else:
            rest.append(hit)
    return tuple(hit.model_copy(update={"rank": rank})
                 for rank, hit in enumerate([*first, *rest][: len(hits)], start=1))


def _uncited(n: int, hit: Hit, quote: str, language: str, volume_of) -> Citation:
    volume = volume_of(hit.chunk.doc_id) if volume_of else None
    return citations.make_citation(n, hit, quote=quote or hit.chunk.text[:300], volume=volume,
                                   language=language)


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
        mode: str | None = None, search_mode: str | None = None, volume_of=None,
        stats: CorpusStats | None = None, embedder=None) -> Answer:
    """Answer ``question`` (a follow-up of ``history``, the previous turns' answers)."""
    started = time.perf_counter()
    mode = _resolve_mode(mode, settings, llm)
    chain = build_chain(retriever=retriever, settings=settings, llm=llm, volume_of=volume_of,
                        stats=stats, embedder=embedder)
    state = chain.invoke(ChainState(question=question, history=tuple(history or ()),
                                    filters=filters, k=k, mode=mode, search_mode=search_mode))
    return _finish(state, started)


def _finish(state: ChainState, started: float) -> Answer:
    timings = dict(state.timings, total=round((time.perf_counter() - started) * 1000, 1))
    # Not a duration: the extractive evidence score, which the refusal threshold is set on.
    timings["evidence"] = state.draft.evidence if state.draft else 0.0
    return state.answer.model_copy(update={"timings": timings})


def stream_ask(question: str, history: Sequence[Answer] = (), *, retriever, llm=None,
               settings: Settings, filters: SearchFilters | None = None, k: int | None = None,
               mode: str | None = None, search_mode: str | None = None, volume_of=None,
               stats: CorpusStats | None = None, embedder=None) -> Iterator[str | Answer]:
    """Yield the answer text so far (str) while it is written, then the final ``Answer``.

    The chain runs in a worker thread; the answer step reports its growing text through a
    queue. Errors are raised here, in the caller's thread.
    """
    started = time.perf_counter()
    mode = _resolve_mode(mode, settings, llm)
    chain = build_chain(retriever=retriever, settings=settings, llm=llm, volume_of=volume_of,
                        stats=stats, embedder=embedder)
    updates: queue.Queue = queue.Queue()
    state = ChainState(question=question, history=tuple(history or ()), filters=filters, k=k,
                       mode=mode, search_mode=search_mode,
                       on_text=lambda text: updates.put(("text", text)))

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
