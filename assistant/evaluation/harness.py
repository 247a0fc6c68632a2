"""Run a question set through a retriever and the answer chain, and score it.

Hybrid, dense and bm25 runs go through the whole chain (``Services.ask``) with the search mode
forced; the chain retrieves ``k`` units (10) so the ranking metrics see a top 10, while the
answerer reads only ``answer.sources`` of the first ``answer.source_pool`` as usual.
Follow-ups are asked turn by turn, each turn getting the previous Answers as history; the gold
applies to the last turn.
The naive peer only retrieves (it has no answerer), as does any run with ``answers=False``:
a follow-up is then searched as our chain rewrites it, so the comparison isolates retrieval.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant.errors import AssistantError
from assistant.evaluation import metrics
from assistant.evaluation.metrics import GoldItem
from assistant.evaluation.questions import Question
from assistant.types import Answer, Corpus, Document

RETRIEVERS = ("hybrid", "dense", "bm25", "naive")
ANSWER_MODES = ("extractive", "llm")
SNIPPET = 160


class ModeRetriever:
    """A retriever whose searches all use one mode (so the chain searches as we score)."""

    def __init__(self, inner: Any, mode: str) -> None:
        self.inner, self.mode = inner, mode

    def search(self, query: str, *, k: int | None = None, mode: str | None = None,
               filters=None, **hints):
        return self.inner.search(query, k=k, mode=self.mode, filters=filters, **hints)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class DocumentLocator:
    """The parsed document holding a file's line (documents of one file do not overlap)."""

    def __init__(self, corpus: Corpus | None) -> None:
        self.by_file: dict[str, list[Document]] = {}
        for doc in corpus.documents if corpus else ():
            self.by_file.setdefault(doc.file, []).append(doc)
        for docs in self.by_file.values():
            docs.sort(key=lambda d: d.line_start)
        self.starts = {f: [d.line_start for d in docs] for f, docs in self.by_file.items()}

    def at(self, file: str, line: int) -> Document | None:
        docs = self.by_file.get(file, [])
        i = bisect.bisect_right(self.starts.get(file, []), line) - 1
        return docs[i] if i >= 0 and docs[i].line_start <= line <= docs[i].line_end else None


def gold_items(question: Question, locator: DocumentLocator) -> list[GoldItem]:
    items = []
    for g in question.gold:
        doc = locator.at(g.file, g.line)
        heading = doc is not None and g.footnote is None and in_heading(doc, g.line)
        items.append(GoldItem(g.file, g.line, g.footnote, g.quote, doc.id if doc else None,
                              heading=heading))
    return items


def in_heading(doc: Document, line: int) -> bool:
    """The line lies before the document's first paragraph (its title, date, correspondents)."""
    first = min((p.line_start for p in doc.paragraphs), default=None)
    return first is not None and doc.line_start <= line < first


def gold_warnings(questions: Sequence[Question], corpus: Corpus | None) -> list[str]:
    """Gold items the parsed corpus disagrees with (a parser or a question-set problem)."""
    locator, out = DocumentLocator(corpus), []
    if corpus is None:
        return out
    for q in questions:
        for g in q.gold:
            doc = locator.at(g.file, g.line)
            where = f"{q.id}: {g.file}:{g.line}"
            if doc is None:
                out.append(f"{where} lies in no parsed document")
            elif g.footnote is not None:
                note = doc.footnote(g.footnote)
                if note is None:
                    out.append(f"{where}: document {doc.id} has no note {g.footnote}")
                elif not note.line_start <= g.line <= note.line_end:
                    out.append(f"{where}: note {g.footnote} of {doc.id} spans lines "
                               f"{note.line_start}-{note.line_end}")
            elif in_heading(doc, g.line):
                continue  # a heading line: held by every text unit of the document
            elif not any(p.line_start <= g.line <= p.line_end for p in doc.paragraphs):
                inside = [n.n for n in doc.footnotes if n.line_start <= g.line <= n.line_end]
                out.append(f"{where}: body gold outside every paragraph of {doc.id}"
                           + (f" (inside note {inside[0]})" if inside else ""))
    return out


def _unit(chunk) -> dict:
    return {"id": chunk.id, "doc_id": chunk.doc_id, "file": chunk.file,
            "line_start": chunk.line_start, "line_end": chunk.line_end, "type": chunk.type,
            "footnote": chunk.footnote, "text": " ".join(chunk.text.split())[:SNIPPET]}


def _forget_cached_queries(retriever: Any) -> None:
    # The retriever caches query vectors; a second run in the same process would otherwise
    # time searches without embedding the query.
    cache = getattr(getattr(retriever, "inner", retriever), "_query_vectors", None)
    if hasattr(cache, "clear"):
        cache.clear()


def score_question(q: Question, golds: list[GoldItem], units: Sequence[Any],
                   answer: Answer | None, k: int) -> dict:
    """The per-question record the metrics summarise (see metrics.summarize)."""
    units = list(units)[:k]
    rank = metrics.hit_rank(units, golds)
    record: dict[str, Any] = {
        "id": q.id, "kind": q.kind, "language": q.language, "answerable": q.answerable,
        "question": q.last_turn, "turns": len(q.turns), "hit_rank": rank,
        "recall@5": metrics.recall_at_k(units, golds, 5),
        "recall@10": metrics.recall_at_k(units, golds, 10),
        "ndcg@10": metrics.ndcg_at_k(units, golds, 10),
        "gold": [{"file": g.file, "line": g.line, "footnote": g.footnote, "doc_id": g.doc_id,
                  "quote": g.quote} for g in golds],
        "retrieved": [_unit(u) for u in units],
        "refused": None, "answer": None, "citations": [], "answer_correct": None,
        "footnote_gold": sum(g.footnote is not None for g in golds), "footnotes_cited": 0,
        "citations_good": 0, "citations_strict": 0, "citations_total": 0, "evidence": None,
        "status": None,
        "reference_answer": q.answer, "must_contain": q.must_contain,
    }
    if answer is not None:
        cited, notes = metrics.footnotes_cited(answer.citations, golds)
        good, total = metrics.good_citations(answer.citations, golds)
        strict, _ = metrics.strict_citations(answer.citations, golds)
        record.update(
            standalone_question=answer.standalone_question, refused=answer.refused,
            status=answer.status,
            answer=answer.text, evidence=answer.timings.get("evidence"),
            answer_correct=(
                metrics.answer_correct(answer.text, q.must_contain) if q.answerable else None
            ),
            footnotes_cited=cited, footnote_gold=notes, citations_good=good,
            citations_strict=strict,
            citations_total=total,
            citations=[{"n": c.n, "doc_id": c.doc_id, "file": c.file,
                        "line_start": c.line_start, "line_end": c.line_end,
                        "footnote": c.footnote, "verified": c.verified,
                        "hits_gold": any(metrics.unit_hits(c, g) for g in golds),
                        "quote": c.quote[:SNIPPET]} for c in answer.citations],
        )
    return record


def _ask_turns(services: Any, q: Question, mode: str, k: int) -> tuple[Answer, float]:
    """Ask every turn with the previous answers as history; (last Answer, its wall ms)."""
    history: list[Answer] = []
    for turn in q.turns[:-1]:
        history.append(services.ask(turn, tuple(history), mode=mode))
    started = time.perf_counter()
    answer = services.ask(q.last_turn, tuple(history), mode=mode, k=k)
    return answer, (time.perf_counter() - started) * 1000


def run(questions: Sequence[Question], *, retriever: str = "hybrid", mode: str = "extractive",
        services: Any = None, naive: Any = None, corpus: Corpus | None = None, k: int = 10,
        answers: bool = True, progress: Callable[[], None] | None = None,
        source: str | None = None) -> dict:
    """Score ``questions`` with one retriever; the result follows the ``--json`` schema.

    ``answers=False`` (always for naive) only retrieves: answer metrics are then None."""
    if retriever not in RETRIEVERS:
        raise AssistantError(f"unknown retriever {retriever!r}: use one of {', '.join(RETRIEVERS)}")
    if mode not in ANSWER_MODES:
        raise AssistantError(f"unknown answer mode {mode!r}: use extractive or llm")
    if retriever == "naive" and naive is None:
        raise AssistantError("the naive retriever was not built")
    if retriever != "naive" and services is None:
        raise AssistantError("running the chain needs Services (corpus and index)")
    answers = answers and retriever != "naive"
    corpus = corpus or getattr(services, "corpus", None)
    locator = DocumentLocator(corpus)
    searcher, chain = naive, None
    if services is not None:
        from assistant.services import Services

        forced = ModeRetriever(services.retriever, retriever) if retriever != "naive" else None
        searcher = forced or naive
        chain = Services.create(services.settings, corpus=services.corpus,
                                retriever=forced or services.retriever, llm=services.llm,
                                stats=services.stats, embedder=services.embedder)
        _forget_cached_queries(services.retriever)
    records = []
    for q in questions:
        golds = gold_items(q, locator)
        try:
            if answers:
                answer, answer_ms = _ask_turns(chain, q, mode, k)
                record = score_question(q, golds, [h.chunk for h in answer.hits], answer, k)
                record.update(retrieval_ms=answer.timings.get("retrieve"), answer_ms=answer_ms)
            else:
                record = _retrieval_only(q, golds, searcher, chain, mode, k)
        except AssistantError as error:  # one question the chain cannot take: counted, shown
            record = score_question(q, golds, [], None, k)
            record.update(refused=True, error=str(error), retrieval_ms=None, answer_ms=None)
        records.append(record)
        if progress:
            progress()
    return result_of(records, retriever=retriever, mode=mode if answers else None,
                     source=source, warnings=gold_warnings(questions, corpus))


def _retrieval_only(q: Question, golds, searcher, chain, mode: str, k: int) -> dict:
    """Search only; a follow-up is searched as the chain rewrites it (turns joined without it)."""
    query = q.last_turn
    if len(q.turns) > 1:
        query = _ask_turns(chain, q, mode, k)[0].standalone_question if chain else " ".join(q.turns)
    started = time.perf_counter()
    hits = searcher.search(query, k=k)
    retrieval_ms = (time.perf_counter() - started) * 1000
    record = score_question(q, golds, [h.chunk for h in hits], None, k)
    record.update(standalone_question=query, retrieval_ms=retrieval_ms, answer_ms=None)
    return record


def result_of(records: list[dict], *, retriever: str, mode: str | None,
              source: str | None = None, warnings: Sequence[str] = ()) -> dict:
    def breakdown(field: str) -> dict:
        values = sorted({r[field] for r in records})
        return {v: metrics.summarize([r for r in records if r[field] == v]) for v in values}

    return {
        "questions": len(records), "retriever": retriever, "mode": mode, "source": source,
        "metrics": metrics.summarize(records), "by_kind": breakdown("kind"),
        "by_language": breakdown("language"), "gold_warnings": list(warnings),
        "per_question": records,
    }
