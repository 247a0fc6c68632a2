"""Pages of the Trotsky volume: where they break, what they are numbered, what is junk.

A page starts at a line that begins with one space (FORMAT §4), or after a surviving page-number
block (the bare number, blank lines, then the running header). Line indexes here are 0-based;
callers report ``index + 1``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.text import strip_accents

PAGE_NUMBER = re.compile(r"^(\d{1,3}) ?$")
JUNK = re.compile(r"^\s*[',\"�]+(?:\s*[',\"�]+)*\s*$")
SEPARATOR = re.compile(r"^\s*\*(?:\s*\*)+\s*$")


@dataclass(frozen=True)
class Page:
    ordinal: int  # 0-based, in file order
    start: int  # first line index of the page's content
    end: int  # one past its last content line
    number: int | None = None  # printed page number, when it can be worked out


def is_page_start(line: str) -> bool:
    return line.startswith(" ") and not line.startswith("  ") and bool(line.strip())


def is_blank(line: str) -> bool:
    return not line.strip() or SEPARATOR.match(line) is not None


def is_junk(line: str) -> bool:
    """OCR debris with no letter or digit (a stray quote, ``,, ,,``, a replacement glyph)."""
    return bool(line.strip()) and JUNK.match(line) is not None


def _fold(text: str) -> str:
    return strip_accents(text).strip().upper()


def _page_number_blocks(lines: list[str]) -> list[tuple[int, int, int]]:
    """``(number line, number, first line after the block)`` for each surviving page number.

    A block is a bare number followed by at least two blank lines; an upper-case line right after
    it is the running header when that header recurs (``LÉON TROTSKY``, ``ŒUVRES, ...``).
    """
    candidates: list[tuple[int, int, int | None]] = []
    for index, line in enumerate(lines):
        match = PAGE_NUMBER.match(line)
        if not match:
            continue
        following = lines[index + 1 : index + 3]
        if len(following) < 2 or any(part.strip() for part in following):
            continue
        after = index + 1
        while after < len(lines) and not lines[after].strip():
            after += 1
        header = after if after < len(lines) else None
        candidates.append((index, int(match.group(1)), header))
    header_counts = Counter(
        _fold(lines[h]) for _, _, h in candidates if h is not None and _is_header_like(lines[h])
    )
    blocks = []
    for index, number, header in candidates:
        resume = header if header is not None else len(lines)
        if (
            header is not None
            and _is_header_like(lines[header])
            and header_counts[_fold(lines[header])] >= 2
        ):
            resume = header + 1
        blocks.append((index, number, resume))
    return blocks


def _is_header_like(line: str) -> bool:
    text = line.strip()
    return 4 <= len(text) <= 40 and not any(c.islower() for c in text) and not text.startswith("[")


def split_pages(lines: list[str], start: int = 0, end: int | None = None) -> list[Page]:
    """The pages of ``lines[start:end]`` with their printed numbers where known."""
    end = len(lines) if end is None else end
    blocks = [b for b in _page_number_blocks(lines) if start <= b[0] < end]
    block_at = {index: (number, resume) for index, number, resume in blocks}
    bounds: list[tuple[int, int, int | None]] = []  # (start, end, number printed at its foot)
    page_start = start
    index = start
    while index < end:
        if index in block_at:
            number, resume = block_at[index]
            bounds.append((page_start, index, number))
            page_start = index = resume
            continue
        if index > page_start and is_page_start(lines[index]):
            bounds.append((page_start, index, None))
            page_start = index
        index += 1
    if page_start < end:
        bounds.append((page_start, end, None))
    numbers = _number_pages([number for _, _, number in bounds])
    return [
        Page(ordinal=i, start=s, end=e, number=numbers[i]) for i, (s, e, _) in enumerate(bounds)
    ]


def _number_pages(printed: list[int | None]) -> list[int | None]:
    """Count back from the next surviving page number (or on from the last one).

    From the first documents on this agrees with FORMAT §4 (page = ordinal + offset, checked
    against 20 surviving numbers and 9 cross-references); the front matter stays uncertain.
    """
    numbers: list[int | None] = [None] * len(printed)
    next_anchor: tuple[int, int] | None = None
    for i in range(len(printed) - 1, -1, -1):
        if printed[i] is not None:
            next_anchor = (i, printed[i])
        if next_anchor is not None:
            numbers[i] = next_anchor[1] - (next_anchor[0] - i)
    last_anchor: tuple[int, int] | None = None
    for i, number in enumerate(printed):
        if number is not None:
            last_anchor = (i, number)
        elif numbers[i] is None and last_anchor is not None:
            numbers[i] = last_anchor[1] + (i - last_anchor[0])
    return numbers
