"""Files 000-003: one letter of N. Boukharine each (FORMAT §2).

Layout: an optional ``1936 – Lettres de Boukharine`` line, the heading ``N. Boukharine à
K. Vorochilov`` (possibly over several lines with a marker), the date (``[novembre 1933]`` when
inferred), a double-spaced body where a line starting with one space continues the previous
one, the signature ``(Ton|N.) Boukharine`` (the body may go on with ``PS.``), and notes: after a
separator line made of spaces, numbers alone on a line; or one unnumbered note indented by
three spaces in the middle of the body, ended by a run of blank lines.
"""

from __future__ import annotations

import re

from assistant.corpus.markers import Candidate
from assistant.corpus.metadata import is_date_line, parse_date
from assistant.corpus.normalise import Vocabulary, join_lines, normalise_text
from assistant.corpus.paragraphs import ParagraphBuilder
from assistant.corpus.titles import strip_marker
from assistant.types import CorpusProblem, Document, Footnote, Marker

VOLUME_LINE = re.compile(r"^\s*(?P<year>\d{4})\s*[–-]\s*(?P<name>Lettres de Boukharine)\s*$")
HEADING = re.compile(
    r"(?:^|\bde\s+)(?P<sender>(?:[A-Z]\.\s*)*Boukharine)\s+à\s+(?P<recipient>.+?)\s*$"
)
SIGNATURE = re.compile(r"^\s*(?:Ton\s+|N\.\s+)?Boukharine\s*$")
MARKER_LINE = re.compile(r"^\s*(\d{1,2})\s*$")
NOTE_SEPARATOR = re.compile(r"^ {10,}$")
INDENTED_NOTE = re.compile(r"^ {2,}\S")
LIST_ITEM = re.compile(r"^(?:\d+\s?[)\-.]|[IVX]+\s?-|P+S\.)")
VOLUME_NAME = "Lettres de Boukharine"
HEAD_LINES = 12


def looks_like_letter(lines: list[str]) -> bool:
    head = [line for line in lines if line.strip()][:HEAD_LINES]
    return any(VOLUME_LINE.match(line) for line in head) or any(
        HEADING.search(strip_marker(line)[0].strip()) for line in head
    )


def parse_letter(
    lines: list[str], file_name: str, vocab: Vocabulary
) -> tuple[list[Document], list[CorpusProblem]]:
    prefix = re.match(r"^(\d+)", file_name)
    doc_id = f"{prefix.group(1) if prefix else file_name.rsplit('.', 1)[0]}-001"
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    volume_year = None
    position = 0
    if nonblank and VOLUME_LINE.match(lines[nonblank[0]]):
        volume_year = int(VOLUME_LINE.match(lines[nonblank[0]]).group("year"))
        position = 1
    date_line = next(
        (i for i in nonblank[position : position + HEAD_LINES] if is_date_line(lines[i])), None
    )
    if date_line is None:
        return [], [CorpusProblem(file=file_name, line=nonblank[position] + 1 if nonblank else None,
                                  message="Boukharine letter without a date line under its heading")]
    heading_lines = [i for i in nonblank[position:] if i < date_line]
    heading = " ".join(lines[i].strip() for i in heading_lines if not MARKER_LINE.match(lines[i]))
    heading = re.sub(r"\s+", " ", normalise_text(heading, vocab)).strip()
    body_lines, note_blocks = _split_body(lines, date_line + 1)
    signature = next((lines[i].strip() for i in body_lines if SIGNATURE.match(lines[i])), None)
    body_lines = [i for i in body_lines if not SIGNATURE.match(lines[i])]
    footnotes_raw = [(number, block) for number, block in note_blocks]
    markers_by_value = _marker_lines(lines, heading_lines + [date_line] + body_lines)
    links = _link(footnotes_raw, markers_by_value)
    paragraphs, markers = _paragraphs(lines, body_lines, links, vocab)
    for n in range(1, len(footnotes_raw) + 1):
        line = links.get(n)
        if line is not None and line in heading_lines:
            markers[n] = Marker(paragraph=0, offset=0, line=line + 1)
    printed = _printed_numbers(footnotes_raw, links, markers_by_value)
    footnotes = [
        Footnote(n=printed[n], text=_note_text(lines, block, vocab), line_start=block[0] + 1,
                 line_end=block[-1] + 1, page=None, marker=markers.get(n))
        for n, (_, block) in enumerate(footnotes_raw, start=1)
    ]
    match = HEADING.search(heading)
    sender = _sender(match, signature)
    date = parse_date(lines[date_line], default_year=volume_year)
    used = [i + 1 for i in nonblank[position:]]
    document = Document(
        id=doc_id,
        file=file_name,
        line_start=min(used),
        line_end=max(used),
        kind="letter",
        title=heading,
        title_editorial=heading.startswith("["),
        **date.fields(),
        sender=sender,
        recipient=match.group("recipient") if match else None,
        source_note=next((f.text for f in footnotes if f.text.startswith("Source")), None),
        volume=VOLUME_NAME,
        pages=None,
        paragraphs=tuple(paragraphs),
        footnotes=tuple(footnotes),
    )
    return [document], []


def _sender(heading: re.Match[str] | None, signature: str | None) -> str:
    """The heading's sender, else the signature's initials ('Ton N. B.'), else Boukharine."""
    sender = heading.group("sender") if heading else "N. Boukharine"
    if signature and "." in signature and "." not in sender:
        sender = signature.replace("Ton ", "").strip()
    return sender if "." in sender else "N. Boukharine"


def _split_body(
    lines: list[str], start: int
) -> tuple[list[int], list[tuple[int | None, list[int]]]]:
    """Body line indexes, and note blocks ``(printed number or None, line indexes)``."""
    body: list[int] = []
    notes: list[tuple[int | None, list[int]]] = []
    index = start
    in_indented = False
    blank_run = 0
    after_separator = False
    while index < len(lines):
        line = lines[index]
        if NOTE_SEPARATOR.match(line):
            after_separator = True
        elif not line.strip():
            blank_run += 1
            if in_indented and blank_run >= 2:
                in_indented = False
        elif after_separator:
            number = MARKER_LINE.match(line)
            if number:
                notes.append((int(number.group(1)), []))
            elif notes:
                notes[-1][1].append(index)
            blank_run = 0
        elif INDENTED_NOTE.match(line) and not in_indented:
            in_indented = True
            notes.append((None, [index]))
            blank_run = 0
        elif in_indented:
            notes[-1][1].append(index)
            blank_run = 0
        else:
            body.append(index)
            blank_run = 0
        index += 1
    return body, [(number, block) for number, block in notes if block]


def _marker_lines(lines: list[str], indexes: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for index in indexes:
        match = MARKER_LINE.match(lines[index])
        if match:
            found.setdefault(int(match.group(1)), []).append(index)
    return found


def _link(
    notes: list[tuple[int | None, list[int]]], markers: dict[int, list[int]]
) -> dict[int, int]:
    """Note order number → marker line. Numbered notes take the marker showing their number;
    a single unnumbered note takes the letter's single unclaimed marker."""
    links: dict[int, int] = {}
    for n, (number, _) in enumerate(notes, start=1):
        if number is not None and markers.get(number):
            links[n] = markers[number][0]
    claimed = set(links.values())
    free = [line for lines_ in markers.values() for line in lines_ if line not in claimed]
    unnumbered = [n for n, (number, _) in enumerate(notes, start=1) if number is None]
    if len(unnumbered) == 1 and len(free) == 1:
        links[unnumbered[0]] = free[0]
    return links


def _printed_numbers(notes: list[tuple[int | None, list[int]]], links: dict[int, int],
                     markers: dict[int, list[int]]) -> dict[int, int]:
    """Note order number → the number a reader sees: the note's own, or for an unnumbered
    note the number of the body marker it is linked to (000's one note hangs on a "2" after
    « salaud »: a reader cites it as note 2), else its place in the letter."""
    value_at = {line: value for value, lines_ in markers.items() for line in lines_}
    return {n: number if number is not None else value_at.get(links.get(n, -1), n)
            for n, (number, _) in enumerate(notes, start=1)}


def _breaks(previous: str, following: str, width: int) -> bool:
    """Blank lines only double-space the text: a paragraph ends on a short line that ends a
    sentence, or before a numbered item or a postscript."""
    if LIST_ITEM.match(following.strip()):
        return True
    if following.startswith(" ") and not following.startswith("  "):
        return False  # continues after a page break, a marker or a note
    previous, following = previous.strip(), following.strip()
    starts_new = following[:1].isupper() or following[:1] in '«"('
    if starts_new and len(previous) < 0.4 * width and not previous.endswith(("-", "'")):
        return True  # a salutation (Cher Sergo,) or an address (Au camarade Kouïbychev)
    return (
        starts_new and previous.endswith((".", "!", "?", "»", ":")) and len(previous) < 0.85 * width
    )


def _paragraphs(lines: list[str], body: list[int], links: dict[int, int], vocab: Vocabulary):
    note_at = {line: n for n, line in links.items()}
    builder = ParagraphBuilder(vocab)
    text_lines = [i for i in body if not MARKER_LINE.match(lines[i])]
    width = max((len(lines[i].rstrip()) for i in text_lines), default=100)
    previous: int | None = None
    for index in body:
        line = lines[index]
        if MARKER_LINE.match(line):
            candidate = Candidate(index, 0, len(line), int(line.strip()), standalone=True)
            builder.add_line(index, line, None, [(candidate, note_at.get(index))])
            continue
        if previous is not None and builder.is_open() and _breaks(lines[previous], line, width):
            builder.close()
        if line.startswith(" ") and builder.is_open():
            builder.mark_word_end()  # a line starting with a space starts a new word
        builder.add_line(index, line, None)
        previous = index
    return builder.finish()


def _note_text(lines: list[str], block: list[int], vocab: Vocabulary) -> str:
    pieces = [
        (
            lines[i],
            lines[i].endswith(" ") or (k + 1 < len(block) and lines[block[k + 1]].startswith(" ")),
        )
        for k, i in enumerate(block)
    ]
    text = join_lines(pieces, vocab)
    return re.sub(r"\s{2,}", " ", normalise_text(text, vocab)).strip()
