"""Citation post-processing, shared by the extractive and the LLM answerers (pure functions).

An answer's text cites its numbered sources with ``[n]`` markers. Post-processing drops numbers
that match no source, renumbers the rest 1..m in order of first use, checks each cited claim
against its source — a quoted passage must be found in the source text (OCR-tolerant), an
unquoted claim must share most of its content words, names and years — and builds one
``Citation`` per source used, with its reference string and verified flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.answer.phrases import REFUSAL
from assistant.answer.sentences import sentence_spans
from assistant.text import content_terms, fold, squeeze, years
from assistant.text import reference as describe_reference
from assistant.types import Citation, Cited, Hit

QUOTE_MATCH = 0.85  # similarity a quoted passage needs with the best window of its source
OVERLAP_MATCH = 0.6  # share of an unquoted claim's content words found in its source
MIN_QUOTE_CHARS = 12  # shorter quotes ("la guerre") prove nothing; the claim is checked instead

_MARKER = re.compile(r"\s?\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\)|\.\.\.|…)\s*")
_OPEN_CLOSE = {"«": "»", "“": "”"}


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Check:
    verified: bool
    quote: str  # the source's own text that supports the claim ("" when nothing matched)


def parse_markers(text: str, *, inside_quotes: bool = False) -> list[Marker]:
    """``[n]`` / ``[n, m]`` markers in order, outside quoted passages («…») unless
    ``inside_quotes`` (an answerer that only writes markers after its quotations: a stray
    OCR « in a quotation must not hide the markers that follow)."""
    quoted = [] if inside_quotes else _quoted_spans(text)
    markers = []
    for match in _MARKER.finditer(text):
        if any(a <= match.start() < b for a, b in quoted):
            continue
        numbers = tuple(int(x) for x in re.split(r"\s*[,;]\s*", match.group(1)))
        markers.append(Marker(match.start(), match.end(), numbers))
    return markers


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of «…» / “…” quotations, outermost only. Marks are paired like brackets and an
    unmatched one is ignored (OCR text has stray « and »), so a quotation that holds an
    unbalanced inner mark still yields the pairs that do close."""
    pairs: list[tuple[int, int]] = []
    for opening, closing in _OPEN_CLOSE.items():
        stack: list[int] = []
        for index, ch in enumerate(text):
            if ch == opening:
                stack.append(index)
            elif ch == closing and stack:
                pairs.append((stack.pop(), index + 1))
    return sorted((a, b) for a, b in pairs
                  if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in pairs))


def extract_quotes(segment: str) -> list[str]:
    """Quoted passages of a claim: «…» and “…” quotations, else straight "…" pairs."""
    quotes = [segment[a + 1 : b - 1].strip() for a, b in _quoted_spans(segment)]
    if not quotes:
        quotes = [q.strip() for q in re.findall(r'"([^"]+)"', segment)]
    return [q for q in quotes if q]


def find_in_source(quote: str, source: str) -> tuple[float, int, int]:
    """Best OCR-tolerant match of ``quote`` in ``source``: (similarity, start, end) in source.

    Both are squeezed (folded letters and digits only), so accents, case, punctuation,
    ``!'``/``l'`` and line-break hyphens do not count; then a partial ratio: the best window of
    the source the length of the quote, found from difflib's matching blocks.
    """
    needle, _ = squeeze(quote)
    hay, offsets = squeeze(source)
    if not needle or not hay:
        return 0.0, 0, 0
    position = hay.find(needle)
    if position >= 0:
        return 1.0, offsets[position], offsets[position + len(needle) - 1] + 1
    best = (0.0, 0, 0)
    size = len(needle)
    matcher = SequenceMatcher(None, hay, needle, autojunk=False)
    starts = {max(0, min(i - j, len(hay) - size)) for i, j, n in matcher.get_matching_blocks() if n}
    for start in starts:
        window = hay[start : start + size]
        ratio = SequenceMatcher(None, window, needle, autojunk=False).ratio()
        if ratio > best[0]:
            end = min(start + size, len(hay)) - 1
            best = (ratio, offsets[start], offsets[end] + 1)
    return best


def check_quote(quote: str, source: str) -> Check:
    """A quotation verifies when each of its pieces (split at ellipses) is found in the source."""
    pieces = [p for p in _ELLIPSIS.split(quote) if len(squeeze(p)[0]) >= MIN_QUOTE_CHARS // 2]
    if not pieces:
        return Check(False, "")
    spans = []
    for piece in pieces:
        ratio, start, end = find_in_source(piece, source)
        if ratio < QUOTE_MATCH:
            return Check(False, "")
        spans.append((start, end))
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    return Check(True, source[start:end].strip())


def check_claim(claim: str, source: str, *, titles: Sequence[str] = ()) -> Check:
    """Verify one cited claim against its source text. Quoted ``titles`` (the source
    document's title: « CRONSTADT ») name the document and are not checked as quotations."""
    quotes = [q for q in extract_quotes(claim) if len(squeeze(q)[0]) >= MIN_QUOTE_CHARS
              and not any(_same(q, title) for title in titles)]
    if quotes:
        checks = [check_quote(q, source) for q in quotes]
        verified = all(c.verified for c in checks)
        found = " … ".join(c.quote for c in checks if c.quote)
        return Check(verified, found)
    return _check_overlap(claim, source)


def _same(text: str, other: str) -> bool:
    return bool(other) and squeeze(text)[0] == squeeze(other)[0]


def _check_overlap(claim: str, source: str) -> Check:
    terms = set(content_terms(claim))
    best_sentence = _best_sentence(terms, source)
    if len(terms) < 2:
        return Check(False, best_sentence)
    source_terms = set(content_terms(source))
    share = len(terms & source_terms) / len(terms)
    years_ok = set(years(claim)) <= set(years(source))
    return Check(share >= OVERLAP_MATCH and years_ok, best_sentence)


def _best_sentence(terms: set[str], source: str) -> str:
    best, best_score = "", 0
    for a, b in sentence_spans(source):
        score = len(terms & set(content_terms(source[a:b])))
        if score > best_score:
            best, best_score = source[a:b], score
    return best


def _claim_segments(text: str, markers: list[Marker]) -> list[str]:
    """The text each marker cites: since the previous marker; an unquoted claim is the last
    sentence before the marker; consecutive markers ([1] [2]) share the same claim."""
    segments: list[str] = []
    previous_end = 0
    for marker in markers:
        segment = text[previous_end : marker.start]
        if not re.search(r"\w", segment) and segments:
            segments.append(segments[-1])
        else:
            if not extract_quotes(segment):
                spans = sentence_spans(segment)
                tail = [segment[a:b] for a, b in spans if re.search(r"\w", segment[a:b])]
                segment = tail[-1] if tail else segment
            segments.append(segment)
        previous_end = marker.end
    return segments


def postprocess(
    text: str,
    sources: Sequence[Hit],
    *,
    language: str = "fr",
    volume_of: Callable[[str], str | None] | None = None,
    quotes: Sequence[str] | None = None,
) -> Cited:
    """Drop unknown numbers, renumber by first use, verify every claim, build the citations.

    ``sources[i]`` is source number ``i + 1`` in ``text``. A source's citation is verified
    only when every claim that cites it verifies. ``quotes`` (one per marker, from an
    answerer that knows what it quoted) replace parsing the quotation marks, which OCR text
    inside a quotation can unbalance; they are still checked against the source.
    """
    markers = parse_markers(text, inside_quotes=quotes is not None)
    explicit = quotes is not None and len(quotes) == len(markers)
    if quotes is not None and not explicit:
        markers = parse_markers(text)
    segments = _claim_segments(text, markers)
    renumber: dict[int, int] = {}
    checks: dict[int, list[Check]] = {}
    pieces: list[str] = []
    cursor = 0
    for index, (marker, segment) in enumerate(zip(markers, segments, strict=True)):
        kept = [n for n in dict.fromkeys(marker.numbers) if 1 <= n <= len(sources)]
        for n in kept:
            renumber.setdefault(n, len(renumber) + 1)
            chunk = sources[n - 1].chunk
            check = (check_quote(quotes[index], chunk.text) if explicit
                     else check_claim(segment, chunk.text, titles=(chunk.title,)))
            checks.setdefault(n, []).append(check)
        pieces.append(text[cursor : marker.start])
        if kept:
            leading = " " if text[marker.start].isspace() else ""
            pieces.append(leading + "[" + ", ".join(str(renumber[n]) for n in kept) + "]")
        cursor = marker.end
    pieces.append(text[cursor:])
    citations = []
    for old, new in sorted(renumber.items(), key=lambda item: item[1]):
        results = checks[old]
        verified = all(c.verified for c in results)
        quote = next((c.quote for c in results if c.verified and c.quote), "") or next(
            (c.quote for c in results if c.quote), ""
        )
        hit = sources[old - 1]
        volume = volume_of(hit.chunk.doc_id) if volume_of else None
        citations.append(make_citation(new, hit, quote=quote, verified=verified,
                                       volume=volume, language=language))
    return Cited("".join(pieces).strip(), tuple(citations))


def make_citation(
    n: int, hit: Hit, *, quote: str = "", verified: bool = False, volume: str | None = None,
    language: str = "fr",
) -> Citation:
    chunk = hit.chunk
    citation = Citation(
        n=n, unit_id=chunk.id, doc_id=chunk.doc_id, file=chunk.file,
        line_start=chunk.line_start, line_end=chunk.line_end, footnote=chunk.footnote,
        title=chunk.title, date=chunk.date, sender=chunk.sender, recipient=chunk.recipient,
        pages=chunk.pages, quote=quote, verified=verified,
    )
    reference = describe_reference(kind=chunk.doc_kind, title=chunk.title, date=chunk.date,
                                   sender=chunk.sender, recipient=chunk.recipient, volume=volume,
                                   pages=chunk.pages, footnote=chunk.footnote, language=language)
    return citation.model_copy(update={"reference": reference})


def is_refusal(text: str) -> bool:
    """The answer is the fixed refusal phrase (in either language)."""
    folded = fold(text)
    return any(fold(phrase).rstrip(".") in folded for phrase in REFUSAL.values())
