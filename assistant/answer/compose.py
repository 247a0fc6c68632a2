"""Composition of an extractive answer: a phrase that names each document, then the quoted
sentences, each followed by its [n]; footnotes are introduced as the editor's."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from assistant.answer.matching import covered, weight_of
from assistant.text import content_terms, document_phrase
from assistant.text.describe import quoted_title, surname
from assistant.types import Chunk, Hit

MAX_QUOTE_CHARS = 450  # a longer sentence is cut at a clause boundary, with an ellipsis
FOCUS_GAIN = 1.25  # clauses further on replace the opening only when they hold this much more


class Span(Protocol):
    source: int  # 0-based index into the sources
    start: int
    end: int
    score: float


def clip(text: str, limit: int = MAX_QUOTE_CHARS, focus: Mapping[str, float] | None = None
         ) -> str:
    """Cut a long quotation at clause boundaries; an ellipsis marks each cut (verification
    splits quotations at ellipses). With ``focus`` (the question's stems and their weights:
    idf, so that "Trotsky" counts for little), the clauses that hold most of them are kept
    wherever they stand (the answer to "what brought him back to his faith?" may end a long
    note's sentence), widened to their sentence when it fits, after the quotation's first
    clause (its subject: "Abraham Johannes Muste (1885-1967) …")."""
    if len(text) <= limit:
        return text
    starts = [0] + [m.end() for m in _CLAUSE_BOUNDARY.finditer(text)]
    ends = [*starts[1:], len(text)]
    cut = max(text.rfind(mark, 0, limit) for mark in (", ", "; ", " : "))
    cut = cut if cut > limit // 2 else text.rfind(" ", 0, limit)
    first, last = _focused_clauses(text, starts, ends, limit, focus)
    if _weight(focus, text[: ends[last]]) <= FOCUS_GAIN * _weight(focus, text[:cut]):
        first = 0  # the opening holds about as much of the question: keep it
    head = text[: ends[0]].strip(" ,;:")
    if first > 0 and ends[last] - starts[first] + len(head) + 3 <= limit:
        budget = limit - len(head) - 3  # room left beside the head
        while first > 1 and not _opens_sentence(text, starts[first]) \
                and ends[last] - starts[first - 1] <= budget:
            first -= 1
        while last + 1 < len(ends) and not _opens_sentence(text, starts[last + 1]) \
                and ends[last + 1] - starts[first] <= budget:
            last += 1
        window = text[starts[first] if first > 1 else 0 : ends[last]].strip(" ,;:")
        opening = f"{head} … " if first > 1 else ""
        return opening + window + (" …" if ends[last] < len(text) else "")
    if first > 0:  # the clauses asked for leave no room for the head
        window = text[starts[first] : ends[last]].strip(" ,;:")
        return "… " + window + (" …" if ends[last] < len(text) else "")
    return text[:cut].rstrip(",;: ") + " …"


_CLAUSE_BOUNDARY = re.compile(r"(?<=[,;:.!?»)])\s+")


def _covered(focus: Mapping[str, float] | None, text: str) -> set[str]:
    return covered(tuple(focus), set(content_terms(text))) if focus else set()


def _weight(focus: Mapping[str, float] | None, text: str) -> float:
    return weight_of(_covered(focus, text), focus) if focus else 0.0


def _opens_sentence(text: str, start: int) -> bool:
    return text[:start].rstrip().endswith((".", "!", "?")) and text[start : start + 1].isupper()


def _focused_clauses(text: str, starts: list[int], ends: list[int], limit: int,
                     focus: Mapping[str, float] | None) -> tuple[int, int]:
    """The shortest run of clauses (first and last index), at most ``limit`` long, that covers
    the most weight of ``focus`` stems (the earliest on a tie); (0, 0) when none holds any."""
    coverage = [_covered(focus, text[a:b]) for a, b in zip(starts, ends, strict=True)
                ] if focus else []
    best, best_key = (0, 0), (0, 0)
    for i in range(len(coverage)):
        found: set[str] = set()
        for j in range(i, len(ends)):
            if ends[j] - starts[i] > limit:
                break
            found |= coverage[j]
            key = (weight_of(found, focus), -(ends[j] - starts[i]))
            if key > best_key:
                best, best_key = (i, j), key
    return best


def _document_phrase(chunk: Chunk, language: str) -> str:
    return document_phrase(kind=chunk.doc_kind, title=chunk.title, date=chunk.date,
                           recipient=chunk.recipient, language=language)


def framing(chunk: Chunk, language: str, *, same_document: bool) -> str:
    """The phrase that introduces a quotation from ``chunk``."""
    author = surname(chunk.sender)
    if chunk.type == "footnote":
        note = f"{chunk.footnote} " if chunk.footnote is not None else ""
        if language == "en":
            where = "" if same_document else f" to {_document_phrase(chunk, language)}"
            return f"The editor's note {note}{where} says:".replace("  ", " ")
        where = "" if same_document else f" sur {_document_phrase(chunk, language)}"
        return f"La note {note}de l'éditeur{where} précise :"
    if same_document:
        return "In the same document:" if language == "en" else "Dans le même document :"
    document = _document_phrase(chunk, language)
    if language == "en":
        return f"In {document}, {author} writes:" if author else f"In {document}, we read:"
    opening = f"Dans {document}"
    return f"{opening}, {author} écrit :" if author else f"{opening}, on lit :"


def compose(chosen: Sequence[Span], sources: Sequence[Hit], language: str,
            focus: Mapping[str, float] | None = None) -> tuple[str, tuple[str, ...]]:
    """Group the sentences by source (best group first, sentences in text order), frame each
    group, quote each sentence (a long one clipped around the ``focus`` stems, the question's)
    and cite it. Returns the text and its quotations, one per [n] marker in order."""
    groups: dict[int, list[Span]] = {}
    for c in sorted(chosen, key=lambda c: -c.score):
        groups.setdefault(c.source, []).append(c)
    paragraphs = []
    quoted: list[str] = []
    seen_documents: set[str] = set()
    for source, members in groups.items():
        chunk = sources[source].chunk
        members = _merge_adjacent(sorted(members, key=lambda c: c.start), chunk.text)
        intro = framing(chunk, language, same_document=chunk.doc_id in seen_documents)
        seen_documents.add(chunk.doc_id)
        texts = [clip(text, limit, focus=focus) for text, limit in members]
        quoted += texts
        quotes = " … ".join(f"{quoted_title(text, language)} [{source + 1}]" for text in texts)
        paragraphs.append(f"{intro} {quotes}")
    return "\n\n".join(paragraphs), tuple(quoted)


def _merge_adjacent(members: list[Span], text: str) -> list[tuple[str, int]]:
    """Consecutive sentences become one quotation (the exact source text between them), with
    room for each: a merged quotation is never cut shorter than its sentences would be alone
    (a sentence's sequel that reaches the next quoted sentence must not cost that one its
    answer)."""
    spans: list[list[int]] = []
    for c in members:
        if spans and c.start - spans[-1][1] <= 2:
            spans[-1][1] = max(spans[-1][1], c.end)
            spans[-1][2] += min(c.end - c.start, MAX_QUOTE_CHARS)
        else:
            spans.append([c.start, c.end, MAX_QUOTE_CHARS])
    return [(" ".join(text[a:b].split()), limit) for a, b, limit in spans]
