"""Map a character of a normalised paragraph back to its line (and page) in the original file.

A paragraph's text was re-joined by the parser across line ends, hyphenations, markers and
page breaks (with a page's notes printed in between), so its lines are not evenly spread over
its line span. We align the file's lines on the paragraph: letters only, accents and case
folded, each line looked for exactly where the previous one ended (a note line, printed in
the middle of the paragraph, is simply not found there). Without the file, the line is
interpolated between the paragraph's ends and its markers.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path

from assistant.text import strip_accents
from assistant.types import Document, Footnote, Paragraph

PROBE = 10  # characters of a line looked for in the paragraph
SLACK = 12  # normalisation may add or drop a few characters between two lines
MIN_LINE = 6  # shorter lines (a word, a running header) are skipped
PAGE_GAP = 3  # body lines further apart than this have a page's notes between them


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return "".join(part for part in strip_accents(char.lower())
                   if part.isalpha() and part.isascii())


def _folded_letters(text: str) -> tuple[str, list[int]]:
    """Letters of ``text``, folded, with each one's offset in ``text`` (digits are left out:
    the parser removed the marker digits from the paragraph, not from the file)."""
    chars: list[str] = []
    offsets: list[int] = []
    for offset, char in enumerate(text):
        folded = _fold_char(char) if char.isalpha() else ""
        if folded:
            chars.append(folded)
            offsets.extend([offset] * len(folded))
    return "".join(chars), offsets


class ParagraphLines:
    """Anchors (offset in the paragraph text → original line) of one paragraph."""

    def __init__(self, anchors: list[tuple[int, int]], page: int | None) -> None:
        self.offsets = [offset for offset, _ in anchors]
        self.lines = [line for _, line in anchors]
        self.page = page
        # Each jump over a block of other lines (a page's notes) starts a new printed page.
        self.page_breaks = [
            self.offsets[i]
            for i in range(1, len(anchors))
            if self.lines[i] - self.lines[i - 1] > PAGE_GAP
        ]

    def line(self, offset: int) -> int:
        index = max(0, bisect.bisect_right(self.offsets, offset) - 1)
        return self.lines[index]

    def last_line(self, start: int, end: int) -> int:
        """The last line printed for text[start:end] (pages may be out of order in the file)."""
        first = max(0, bisect.bisect_right(self.offsets, start) - 1)
        last = max(first, bisect.bisect_left(self.offsets, end) - 1)
        return max(self.lines[first : last + 1])

    def page_at(self, offset: int) -> int | None:
        if self.page is None:
            return None
        return self.page + bisect.bisect_right(self.page_breaks, offset)


@lru_cache(maxsize=32768)
def _folded_line(line: str) -> str:
    return _folded_letters(line)[0]


def align(block: Paragraph | Footnote, lines: list[str]) -> list[tuple[int, int]]:
    """(offset, line) for each original line found in a paragraph's (or note's) text."""
    target, offsets = _folded_letters(block.text)
    anchors = [(0, block.line_start)]
    cursor = 0  # where the next line should start, in ``target``
    for number in range(block.line_start, min(block.line_end, len(lines)) + 1):
        folded = _folded_line(lines[number - 1])
        if len(folded) < MIN_LINE:
            continue
        found = _locate(target, folded, cursor)
        if found is None:
            continue
        start, end = found
        if number != block.line_start and start < len(offsets):
            anchors.append((offsets[start], number))
        cursor = end
    anchors.sort()
    return anchors


def _locate(target: str, line: str, cursor: int) -> tuple[int, int] | None:
    """Start and end of ``line`` in ``target`` near ``cursor`` (probing its start, middle, end:
    OCR fixes may change a few characters of any one probe)."""
    for at in (0, max(0, len(line) // 2 - PROBE // 2), max(0, len(line) - PROBE)):
        expected = cursor + at
        position = target.find(
            line[at : at + PROBE], max(0, expected - SLACK), expected + SLACK + PROBE
        )
        if position >= 0:
            start = max(0, position - at)
            return start, start + len(line)
    return None


class LineMapper:
    """Lines and pages of offsets in a document's paragraphs (file-aligned when possible)."""

    def __init__(self, doc: Document, lines: list[str] | None) -> None:
        self.doc = doc
        self.file_lines = lines
        self._paragraphs: dict[int, ParagraphLines] = {}

    def paragraph(self, index: int) -> ParagraphLines:
        if index not in self._paragraphs:
            paragraph = self.doc.paragraphs[index]
            if self.file_lines:
                anchors = align(paragraph, self.file_lines)
            else:
                anchors = self._marker_anchors(index)
            self._paragraphs[index] = ParagraphLines(anchors, paragraph.page)
        return self._paragraphs[index]

    def _marker_anchors(self, index: int) -> list[tuple[int, int]]:
        """Without the file: paragraph ends and marker lines, linearly interpolated between."""
        paragraph = self.doc.paragraphs[index]
        known = {0: paragraph.line_start, len(paragraph.text): paragraph.line_end}
        for note in self.doc.footnotes:
            marker = note.marker
            inside = marker and paragraph.line_start <= marker.line <= paragraph.line_end
            if inside and marker.paragraph == index:
                known[marker.offset] = marker.line
        points = sorted(known.items())
        anchors = [points[0]]
        for (a, line_a), (b, line_b) in zip(points, points[1:], strict=False):
            span = max(1, b - a)
            for line in range(line_a + 1, line_b + 1):
                anchors.append((a + span * (line - line_a) // max(1, line_b - line_a), line))
        return sorted(set(anchors))

    def note(self, note: Footnote) -> ParagraphLines:
        """Anchors of a note's text (a long note may run over to the next page's notes)."""
        if self.file_lines:
            anchors = align(note, self.file_lines)
        else:
            anchors = [(0, note.line_start), (len(note.text), note.line_end)]
        return ParagraphLines(anchors, note.page)

    def line(self, index: int, offset: int) -> int:
        return self.paragraph(index).line(offset)

    def last_line(self, index: int, start: int, end: int) -> int:
        return self.paragraph(index).last_line(start, end)

    def page(self, index: int, offset: int) -> int | None:
        return self.paragraph(index).page_at(offset)


def read_lines(folder: Path | None, name: str) -> list[str] | None:
    """The lines of a corpus file (None when the folder is not known or the file is gone)."""
    if folder is None:
        return None
    path = folder / name
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
