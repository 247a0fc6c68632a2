"""Footnotes of the Trotsky volume: where a page's notes begin, their numbers, continued notes.

On every page the body comes first, then that page's notes (FORMAT §4, §7). A note starts with
its number (often OCR'd: ``l.`` = 1, ``JO.`` = 10, ``S.`` = 5 or 8), numbering restarts at 1 in
each document and has no gaps, and a note running over a page continues as the first, unnumbered
paragraph of the next page's notes. Note lines are wider than body lines (70-96 characters
against 55-71), which tells a continued note from the body above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.corpus.markers import has_candidate
from assistant.corpus.normalise import Vocabulary, join_lines, normalise_text
from assistant.corpus.pages import Page, is_blank, is_junk
from assistant.types import Footnote, Marker

NOTE_START = re.compile(
    r"^(?:[•·*] ?)?(?P<num>\d \d|[lLiI!1] [lLiI!1]|\d{1,2}|[lLiI!J1][O0o]|[lLiI!1][lLiI!1]|\d[lLiIY!]|[lLiI!JïS]|\.\\|-L|:U)"
    r"\s?[.,:](?=\s|$)(?!\s*\d+\s*[,-])"
)
# "L Lettre ..." (3442): the first note's number without its full stop.
FIRST_NOTE_NO_STOP = re.compile(
    r"^[lLiI!1]\s+(?=(?:Lettres?|Lettœ|Article|Déclaration|Télégramme|Note|Message|Réponse|"
    r"Préface|Interview|Circulaire)\b)"
)
# ":Uakov" (9617), "-L kan" (11918): a garbled number glued to the note's first word.
GARBLED_START = re.compile(r"^(?::(?=U)|-L ?)(?=[^\W\d_])")
_DIGIT_OF = {"l": 1, "L": 1, "i": 1, "I": 1, "!": 1, "J": 1, "O": 0, "o": 0, "ï": 7, "Y": 9}
WIDE = 74  # no body line is this wide (stripped body lines are 55-73 characters)
FIRST_LINE = 62  # numbered body paragraphs start with a line of at most 61 characters


@dataclass
class NotePiece:
    """Lines of one note on one page: a numbered start, or the continuation of the last note."""

    number: int | None  # the note number it starts; None for a continuation
    lines: list[int] = field(default_factory=list)  # 0-based line indexes (blank lines excluded)
    page: Page | None = None
    first_text: str = ""  # the start line with its number removed


@dataclass
class PageSplit:
    body: list[int]  # 0-based indexes of body lines (blank lines kept, junk dropped)
    notes: list[NotePiece]


def decode_number(token: str) -> set[int] | None:
    """The numbers an OCR'd note number may stand for; None when it is unreadable."""
    token = token.replace(" ", "")
    if token in {".\\", "-L", ":U"}:
        return None
    if token == "S":
        return {5, 8}
    if token.isdigit():
        return {int(token)}
    digits = ""
    for char in token:
        if char.isdigit():
            digits += char
        elif char in _DIGIT_OF:
            digits += str(_DIGIT_OF[char])
        else:
            return None
    return {int(digits)} if digits else None


def note_start(line: str, expected: int) -> tuple[set[int] | None, str] | None:
    """``(numbers, text after the number)`` if ``line`` can start a note, else None."""
    text = line.strip()
    match = NOTE_START.match(text)
    if match:
        return decode_number(match.group("num")), text[match.end() :].lstrip()
    match = GARBLED_START.match(text)
    if match:
        return None, text[match.end() :]
    if expected == 1:
        match = FIRST_NOTE_NO_STOP.match(text)
        if match:
            return {1}, text[match.end() :]
    return None


def _accepts(numbers: set[int] | None, expected: int, line: str) -> bool:
    if numbers is None:  # unreadable number: only a wide line is trusted to be a note
        return len(line.rstrip()) >= FIRST_LINE
    return expected in numbers


def split_page(lines: list[str], page: Page, expected: int, note_open: bool) -> PageSplit:
    """Separate a page's body lines from its notes.

    ``expected`` is the number the next note of the document must have; ``note_open`` says a
    note of the document was started on an earlier page and may continue here.
    """
    content = [i for i in range(page.start, page.end) if not is_junk(lines[i])]
    starts: list[tuple[int, set[int] | None, str]] = []
    for position, index in enumerate(content):
        if position == 0:
            continue
        found = note_start(lines[index], expected if not starts else 0)
        if found is not None and _after_break(lines, content, position):
            starts.append((position, found[0], found[1]))
    split = _first_note(lines, content, starts, expected)
    notes: list[NotePiece] = []
    if split is not None:
        first_position = split
        numbered = _number_run(lines, content, starts, split, expected)
    else:
        first_position = len(content)
        numbered = []
    if note_open:
        continuation = _continuation_start(lines, content, first_position)
        if continuation is not None:
            piece = NotePiece(None, [], page)
            piece.lines = [
                content[p]
                for p in range(continuation, first_position)
                if not is_blank(lines[content[p]])
            ]
            piece.first_text = lines[piece.lines[0]].strip()
            notes.append(piece)
            first_position = continuation
    for k, (position, number, text) in enumerate(numbered):
        stop = numbered[k + 1][0] if k + 1 < len(numbered) else len(content)
        piece = NotePiece(
            number,
            [content[p] for p in range(position, stop) if not is_blank(lines[content[p]])],
            page,
            text,
        )
        notes.append(piece)
    body = content[:first_position]
    return PageSplit(body=body, notes=notes)


def _after_break(lines: list[str], content: list[int], position: int) -> bool:
    """A note starts after a blank line, or right after a line that ends a note."""
    previous = lines[content[position - 1]]
    if is_blank(previous):
        return True
    return previous.rstrip().endswith((".", ")", "»", ";", ","))


def _first_note(lines, content, starts, expected) -> int | None:
    """The earliest numbered start from which the page's numbered starts run without conflict."""
    for k, (position, numbers, _) in enumerate(starts):
        if not _accepts(numbers, expected, lines[content[position]]):
            continue
        if _conflicts(lines, content, starts[k + 1 :], expected + 1) == 0 and (
            _note_like(lines, content, position)
            or _short_called_note(lines, content, position, expected)
        ):
            return position
    return None


def _conflicts(lines, content, later, expected) -> int:
    conflicts = 0
    for position, numbers, _ in later:
        if _accepts(numbers, expected, lines[content[position]]):
            expected += 1
        elif (
            numbers is not None
            and min(numbers) < expected
            and is_blank(lines[content[position - 1]])
        ):
            conflicts += 1  # a number already used: the earlier start was body text
    return conflicts


def _number_run(lines, content, starts, split, expected):
    run = []
    for position, numbers, text in starts:
        if position < split:
            continue
        if _accepts(numbers, expected, lines[content[position]]):
            run.append((position, expected, text))
            expected += 1
    return run


def _note_like(lines: list[str], content: list[int], position: int) -> bool:
    """The lines from ``position`` to the page end read as notes, not as body paragraphs.

    A note's first line is at least 62 characters wide (its number is not indented) where a
    numbered body paragraph starts with an indented, shorter line; any line wider than the body
    can be settles it too.
    """
    region = [lines[i].rstrip() for i in content[position:] if not is_blank(lines[i])]
    return len(region[0]) >= FIRST_LINE or any(len(line) >= WIDE for line in region)


def _short_called_note(lines: list[str], content: list[int], position: int, expected: int) -> bool:
    """A one- or two-line note (``4. En français dans le texte.``) whose call is on the page."""
    region = [i for i in content[position:] if not is_blank(lines[i])]
    above = [i for i in content[:position] if not is_blank(lines[i])]
    return len(region) <= 3 and has_candidate(lines, above, expected)


def _continuation_start(lines: list[str], content: list[int], stop: int) -> int | None:
    """Where the unnumbered continuation of the previous page's last note begins, if any.

    It is the run of wide paragraphs just above the first numbered note (or the page end).
    """
    position = stop
    start = None
    while position > 1:
        end = position
        while end > 1 and is_blank(lines[content[end - 1]]):
            end -= 1
        begin = end
        while begin > 1 and not is_blank(lines[content[begin - 1]]):
            begin -= 1
        if begin >= end:
            break
        block = [lines[content[p]].rstrip() for p in range(begin, end)]
        if not any(len(line) >= WIDE for line in block):
            break
        start = begin
        position = begin
    return start


def assemble_footnotes(
    lines: list[str], notes: list[NotePiece], markers: dict[int, Marker], vocab: Vocabulary
) -> list[Footnote]:
    """Footnotes from their pieces (a continued note already merged): text without the leading
    number, joined and normalised, with the line span, the page and the linked marker."""
    footnotes = []
    for piece in notes:
        texts = [(piece.first_text, lines[piece.lines[0]].endswith(" "))]
        texts += [(lines[i], lines[i].endswith(" ")) for i in piece.lines[1:]]
        text = normalise_text(join_lines(texts, vocab), vocab)
        footnotes.append(
            Footnote(
                n=piece.number,
                text=re.sub(r"\s{2,}", " ", text).strip(),
                line_start=piece.lines[0] + 1,
                line_end=max(piece.lines) + 1,
                page=piece.page.number if piece.page else None,
                marker=markers.get(piece.number),
            )
        )
    return footnotes
