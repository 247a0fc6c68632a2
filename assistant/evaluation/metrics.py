"""Pure metric functions: retrieval ranks, footnotes, answers, citations, refusals, latencies.

A retrieved unit (a ``Chunk``, a naive chunk, or a ``Citation`` seen as a unit) **hits** a gold
item when it comes from the same file and its line span holds the gold line, and it is the
right kind of unit:
- a footnote unit hits only the gold item of that footnote (same number, same document);
- a text unit hits a body gold item; it hits a footnote gold item only when its text holds the
  start of the quote (a raw chunk of the file does; our body chunks, whose line span may enclose
  notes printed at a page break, do not);
- a gold item in a document's heading (its title, date and correspondents, before the first
  paragraph: "the letter of 3 September 1936 is to Voroshilov") is hit by any text unit of that
  document, since every unit carries that heading (a raw chunk still needs the line in its span).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.evaluation.questions import fold

QUOTE_LEAD_WORDS = 5


@dataclass(frozen=True)
class GoldItem:
    """A gold item, with the document id the parsed corpus gives its line (when known)."""

    file: str
    line: int
    footnote: int | None = None
    quote: str = ""
    doc_id: str | None = None
    heading: bool = False  # the line is in its document's heading, before the first paragraph


def _key(text: str) -> str:
    """Letters and digits only, folded: survives line breaks, hyphenation and spacing."""
    return re.sub(r"[\W_]+", "", fold(text))


def quote_lead(quote: str) -> str:
    """The key of a gold quote's first words: a text holds the quote's start when its key
    holds this one (``holds_lead``)."""
    return _key(" ".join(quote.split()[:QUOTE_LEAD_WORDS]))


def holds_lead(text: str, lead: str) -> bool:
    return bool(lead) and lead in _key(text)


def _is_footnote_unit(unit: Any) -> bool:
    if getattr(unit, "type", None) == "footnote":
        return True
    # A Citation has no type: it is a footnote citation when it names a footnote.
    return not hasattr(unit, "type") and getattr(unit, "footnote", None) is not None


def _same_document(unit: Any, gold: GoldItem) -> bool:
    doc_id = getattr(unit, "doc_id", None)
    if doc_id and gold.doc_id:
        return doc_id == gold.doc_id
    return _holds(unit, gold)


def _holds(unit: Any, gold: GoldItem) -> bool:
    return unit.file == gold.file and unit.line_start <= gold.line <= unit.line_end


def unit_hits(unit: Any, gold: GoldItem) -> bool:
    """Does this retrieved unit (or citation) hold this gold item? (rules in the module doc)"""
    if unit.file != gold.file:
        return False
    if _is_footnote_unit(unit):
        return gold.footnote is not None and unit.footnote == gold.footnote and _same_document(
            unit, gold
        )
    if gold.heading and gold.doc_id and getattr(unit, "doc_id", None) == gold.doc_id:
        return True
    if not _holds(unit, gold):
        return False
    if gold.footnote is None:
        return True
    text = getattr(unit, "text", None) or getattr(unit, "quote", "")
    return holds_lead(text, quote_lead(gold.quote))


def hit_rank(units: Sequence[Any], golds: Sequence[GoldItem]) -> int | None:
    """1-based rank of the first unit hitting any gold item, or None."""
    for rank, unit in enumerate(units, start=1):
        if any(unit_hits(unit, gold) for gold in golds):
            return rank
    return None


def hit_at_k(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def recall_at_k(units: Sequence[Any], golds: Sequence[GoldItem], k: int) -> float:
    """Share of the gold items hit by some unit of the top k."""
    if not golds:
        return 0.0
    top = units[:k]
    return sum(any(unit_hits(u, g) for u in top) for g in golds) / len(golds)


def ndcg_at_k(units: Sequence[Any], golds: Sequence[GoldItem], k: int = 10) -> float:
    """nDCG with binary relevance: a unit is relevant when it hits a gold item that no earlier
    unit hit (duplicates of one passage earn nothing); the ideal ranks one unit per gold item."""
    if not golds:
        return 0.0
    found: set[int] = set()
    dcg = 0.0
    for rank, unit in enumerate(units[:k], start=1):
        new = {i for i, g in enumerate(golds) if i not in found and unit_hits(unit, g)}
        if new:
            found |= new
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(golds), k) + 1))
    return dcg / ideal


def cites_footnote(citation: Any, gold: GoldItem) -> bool:
    """Is this gold footnote cited as that footnote (number and document)?"""
    return (
        gold.footnote is not None
        and citation.footnote == gold.footnote
        and citation.file == gold.file
        and _same_document(citation, gold)
    )


def footnotes_cited(citations: Iterable[Any], golds: Sequence[GoldItem]) -> tuple[int, int]:
    """(gold footnotes cited as that footnote, gold footnotes); two quotes of one note count
    as one footnote."""
    notes = list({(g.file, g.doc_id or g.line, g.footnote): g for g in golds
                  if g.footnote is not None}.values())
    citations = list(citations)
    return sum(any(cites_footnote(c, g) for c in citations) for g in notes), len(notes)


def answer_correct(text: str, must_contain: Sequence[str]) -> bool | None:
    """All terms present, case- and accent-insensitive; None when there is nothing to check."""
    terms = [t for t in must_contain if t.strip()]
    if not terms:
        return None
    folded = _joined_numbers(fold(text))
    return all(_joined_numbers(fold(term)) in folded for term in terms)


# "5 000", "5000", "5.000" and "80,000" are one number: a gold term must not fail on how the
# OCR or the editor grouped its digits.
_DIGIT_GROUP = re.compile(r"(?<=\d)[ \u00a0\u202f.,](?=\d{3}(?!\d))")


def _joined_numbers(text: str) -> str:
    return _DIGIT_GROUP.sub("", text)


def strict_citations(citations: Iterable[Any], golds: Sequence[GoldItem]) -> tuple[int, int]:
    """(citations whose span holds a gold line of the question, citations): a verified quote of
    the wrong passage does not count."""
    citations = list(citations)
    return sum(any(unit_hits(c, g) for g in golds) for c in citations), len(citations)


def good_citations(citations: Iterable[Any], golds: Sequence[GoldItem]) -> tuple[int, int]:
    """(citations that hit a gold item or whose quote verifies in its source, citations): the
    verified share, which a quoting answerer reaches by construction (see strict_citations)."""
    citations = list(citations)
    good = sum(
        bool(getattr(c, "verified", False)) or any(unit_hits(c, g) for g in golds)
        for c in citations
    )
    return good, len(citations)


def refusal_scores(refused: Sequence[bool], unanswerable: Sequence[bool]) -> tuple[float | None, float | None]:
    """(precision, recall) of refusing, the unanswerable questions being the positives."""
    right = sum(r and u for r, u in zip(refused, unanswerable, strict=True))
    n_refused, n_unanswerable = sum(refused), sum(unanswerable)
    precision = right / n_refused if n_refused else None
    recall = right / n_unanswerable if n_unanswerable else None
    return precision, recall


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (linear interpolation), None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), p)) if len(values) else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _answer_states(records: Sequence[dict], answerable: Sequence[dict]) -> dict:
    """Strict citation precision and the shares of the three answer states."""
    answered = [r for r in records if r.get("refused") is not None]
    return {
        "citation_precision_strict": _ratio(
            sum(r.get("citations_strict", 0) for r in answerable),
            sum(r.get("citations_total", 0) for r in answerable),
        ),
        "wrongly_refused": _mean([1.0 if r["refused"] else 0.0 for r in answered
                                  if r["answerable"]]),
        "wrongly_answered": _mean([1.0 if r.get("status", "answered") == "answered" else 0.0
                                   for r in answered if not r["answerable"]]),
        "uncertain_share": _mean([1.0 if r.get("status") == "uncertain" else 0.0
                                  for r in answered]),
    }


def _retrieval(answerable: Sequence[dict]) -> dict[str, float | None]:
    """Where the gold passage ranked, over the answerable questions."""
    ranks = [r["hit_rank"] for r in answerable]
    return {
        "hit@1": _mean([hit_at_k(rank, 1) for rank in ranks]),
        "hit@5": _mean([hit_at_k(rank, 5) for rank in ranks]),
        "hit@10": _mean([hit_at_k(rank, 10) for rank in ranks]),
        "recall@5": _mean([r["recall@5"] for r in answerable]),
        "recall@10": _mean([r["recall@10"] for r in answerable]),
        "mrr": _mean([reciprocal_rank(rank) for rank in ranks]),
        "ndcg@10": _mean([r["ndcg@10"] for r in answerable]),
    }


def summarize(records: Sequence[dict]) -> dict[str, float | int | None]:
    """The issue's metrics over per-question records (as built by the harness).

    A record has: answerable, hit_rank, recall@5, recall@10, ndcg@10, footnotes_cited,
    footnote_gold, answer_correct (or None), citations_good, citations_strict, citations_total,
    refused (None when no answer was made), status, retrieval_ms, answer_ms (or None).

    ``refused`` is the ``not_in_corpus`` status: refusal precision and recall are those of "not
    in the corpus"; ``wrongly_refused`` is the share of answerable questions given it;
    ``uncertain_share`` the share of answers given as the closest passages;
    ``wrongly_answered`` the share of unanswerable questions answered as if confident.
    """
    answerable = [r for r in records if r["answerable"]]
    answered = [r for r in records if r.get("refused") is not None]
    judged = [r["answer_correct"] for r in answerable if r.get("answer_correct") is not None]
    precision, recall = refusal_scores(
        [bool(r["refused"]) for r in answered], [not r["answerable"] for r in answered]
    )
    retrieval = [r["retrieval_ms"] for r in records if r.get("retrieval_ms") is not None]
    whole = [r["answer_ms"] for r in records if r.get("answer_ms") is not None]
    latency = whole or retrieval
    return {
        **_retrieval(answerable),
        "footnote_accuracy": _ratio(
            sum(r.get("footnotes_cited", 0) for r in answerable if r.get("refused") is not None),
            sum(r.get("footnote_gold", 0) for r in answerable if r.get("refused") is not None),
        ),
        "answer_accuracy": _mean([1.0 if ok else 0.0 for ok in judged]),
        "citation_precision": _ratio(
            sum(r.get("citations_good", 0) for r in answerable),
            sum(r.get("citations_total", 0) for r in answerable),
        ),
        **_answer_states(records, answerable),
        "refusal_precision": precision,
        "refusal_recall": recall,
        "refused_share": _mean([1.0 if r["refused"] else 0.0 for r in answered]),
        "latency_ms_p50": percentile(latency, 50),
        "latency_ms_p95": percentile(latency, 95),
        "retrieval_ms_p50": percentile(retrieval, 50),
        "retrieval_ms_p95": percentile(retrieval, 95),
        "answer_ms_p50": percentile(whole, 50),
        "answer_ms_p95": percentile(whole, 95),
        "questions": len(records),
        "answerable": len(answerable),
    }
