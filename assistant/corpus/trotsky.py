"""File 004: L. Trotsky, Œuvres t. 16 — front matter, the documents, back matter.

A document starts on the page that holds its date line ``(5 janvier 1938)``: its title is the
text between the page start and the date (a salutation the OCR put there goes back to the
body), and it runs until the next document's page. Before the first document, each page that
opens with an upper-case heading starts a front-matter section; from the first ``[ANNEXES]``,
``ERRATA`` or bibliography page on, everything is one back-matter document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.corpus.markers import line_candidates, link_notes
from assistant.corpus.metadata import (
    MONTHS,
    fold,
    is_date_line,
    is_salutation,
    parse_date,
    parse_source_note,
    salutation_name,
)
from assistant.corpus.normalise import Vocabulary
from assistant.corpus.notes import NotePiece, assemble_footnotes, split_page
from assistant.corpus.pages import Page, is_blank, is_junk, split_pages
from assistant.corpus.paragraphs import volume_paragraphs
from assistant.corpus.titles import clean_title
from assistant.types import CorpusProblem, Document, Marker

VOLUME_PERIOD = re.compile(r"ŒUVRES,\s*(?P<months>[A-ZÉÛ-]+)\s+(?P<year>\d{4})")
VOLUMES = {"JANVIER-MARS 1938": "Œuvres t. 16"}
BACK_MATTER = re.compile(r"^\s*\[?(?:ANNEXES?|BIBLIOGRAPHIE|ERRATA|INDEX|TABLE)\b")
TITLE_LINES_MAX = 14  # content lines between a page start and a document's date line
DEFAULT_SENDER = "L. Trotsky"
# (first words of a page, first words of the page it must come before): 10858-10903 belong
# between 10789 and 10800.
PAGE_ORDER_FIXES = [("de la paysannerie; mais", "que de brûler de honte.")]
SIGNATURE_BOTH = re.compile(r"^\s*NATALIA\s+L[ÉE]ON\s*$")


@dataclass
class Section:
    """A span of pages that becomes one document."""

    id: str
    kind: str
    first_page: int
    last_page: int  # inclusive
    date_line: int | None = None  # 0-based index of the date line, for documents
    heading: list[int] = field(default_factory=list)  # title lines


def file_prefix(file_name: str) -> str:
    """``004_7eda2118eecd96f1.txt`` → ``004``: the stable part of document ids."""
    match = re.match(r"^(\d+)", file_name)
    return match.group(1) if match else file_name.rsplit(".", 1)[0]


def looks_like_volume(lines: list[str]) -> bool:
    """The Trotsky volume layout: page-break lines, date lines and numbered source notes."""
    page_breaks = sum(1 for line in lines if line.startswith(" ") and line[1:2].strip())
    dates = sum(1 for line in lines if is_date_line(line) and line.strip().startswith("("))
    source_notes = sum(
        1 for line in lines if re.match(r"^[1lLi!]\s?\.?\s+(?:Lettre|Article)\b", line.strip())
    )
    return page_breaks >= 3 and dates >= 1 and source_notes >= 1


def parse_volume(
    lines: list[str], file_name: str, vocab: Vocabulary
) -> tuple[list[Document], list[CorpusProblem]]:
    pages = split_pages(lines)
    volume, period = _volume(lines)
    sections = _sections(lines, pages)
    problems: list[CorpusProblem] = []
    documents = []
    default_year = _default_year(lines, [s.date_line for s in sections if s.date_line], period)
    context = _Volume(lines, file_name, vocab, volume, default_year)
    for section in sections:
        document, section_problems = _build(context, pages, section)
        documents.append(document)
        problems.extend(section_problems)
    return documents, problems


def _volume(lines: list[str]) -> tuple[str, tuple[str, str] | None]:
    """The edition's name and its period ``('1938-01', '1938-03')`` from the running header."""
    for line in lines:
        match = VOLUME_PERIOD.search(line)
        if not match:
            continue
        key = f"{match.group('months')} {match.group('year')}"
        months = fold(match.group("months")).split("-")
        numbers = [MONTHS.get(m) for m in months]
        year = match.group("year")
        period = None
        if all(numbers):
            period = (f"{year}-{numbers[0]:02d}", f"{year}-{numbers[-1]:02d}")
        return VOLUMES.get(key, f"Œuvres, {match.group('months').lower()} {year}"), period
    return "Œuvres", None


def _first_content(lines: list[str], page: Page, limit: int) -> list[int]:
    found = []
    for index in range(page.start, page.end):
        if is_blank(lines[index]) or is_junk(lines[index]):
            continue
        found.append(index)
        if len(found) >= limit:
            break
    return found


def _sections(lines: list[str], pages: list[Page]) -> list[Section]:
    document_pages: list[tuple[int, int]] = []  # (page ordinal, date line)
    for page in pages:
        for index in _first_content(lines, page, TITLE_LINES_MAX):
            if is_date_line(lines[index]) and lines[index].strip().startswith("("):
                document_pages.append((page.ordinal, index))
                break
    if not document_pages:
        return []
    first_document = document_pages[0][0]
    back_start = next(
        (
            page.ordinal
            for page in pages[document_pages[-1][0] + 1 :]
            if any(BACK_MATTER.match(lines[i]) for i in _first_content(lines, page, 1))
        ),
        len(pages),
    )
    sections: list[Section] = []
    front_starts = [
        page.ordinal
        for page in pages[:first_document]
        if any(_is_heading(lines[i]) for i in _first_content(lines, page, 1))
    ]
    if pages[:first_document] and (not front_starts or front_starts[0] != 0):
        front_starts.insert(0, 0)
    for k, start in enumerate(front_starts):
        end = front_starts[k + 1] - 1 if k + 1 < len(front_starts) else first_document - 1
        heading = _heading_lines(lines, pages[start])
        title = fold(" ".join(lines[i] for i in heading))
        kind = (
            "chronology"
            if "chronolog" in title
            else "preface"
            if "presentation" in title
            else "front-matter"
        )
        sections.append(Section(f"f{k + 1:02d}", kind, start, end, heading=heading))
    for k, (start, date_line) in enumerate(document_pages):
        end = document_pages[k + 1][0] - 1 if k + 1 < len(document_pages) else back_start - 1
        sections.append(Section(f"{k + 1:03d}", "document", start, end, date_line=date_line))
    if back_start < len(pages):
        heading = _heading_lines(lines, pages[back_start])
        sections.append(Section("b01", "back-matter", back_start, len(pages) - 1, heading=heading))
    return sections


def _is_heading(line: str) -> bool:
    text = line.strip()
    return (
        3 <= len(text) <= 60
        and not any(c.islower() for c in text)
        and sum(c.isalpha() for c in text) >= 3
    )


def _heading_lines(lines: list[str], page: Page) -> list[int]:
    heading = []
    for index in _first_content(lines, page, 4):
        if not _is_heading(lines[index]) or fold(lines[index].strip()) in MONTHS:
            break
        heading.append(index)
    return heading


@dataclass(frozen=True)
class _Volume:
    """What every document of one volume file is built with."""

    lines: list[str]
    file_name: str
    vocab: Vocabulary
    volume: str
    default_year: int | None


def _build(context: _Volume, pages, section):
    lines, vocab = context.lines, context.vocab
    span = _reorder(lines, pages[section.first_page : section.last_page + 1])
    title_lines, salutation_lines = _title_block(lines, span[0], section)
    skip = set(title_lines) | ({section.date_line} if section.date_line is not None else set())
    body: list[tuple[int, Page]] = []
    notes: list[NotePiece] = []
    expected, note_open = 1, False
    for page in span:
        split = split_page(lines, page, expected, note_open)
        body.extend((i, page) for i in split.body if i not in skip)
        for piece in split.notes:
            if piece.number is None and notes:
                notes[-1].lines.extend(piece.lines)
            elif piece.number is not None:
                notes.append(piece)
                expected, note_open = piece.number + 1, True
    body = _salutation_first(body, salutation_lines, span[0])
    candidates = [
        (candidate, page.ordinal)
        for index, page in body
        if not is_blank(lines[index])
        for candidate in line_candidates(index, lines[index])
    ]
    note_pages = [(piece.number, piece.page.ordinal) for piece in notes]
    title_marker = _title_marker_line(lines, title_lines)
    links = link_notes(
        [np for np in note_pages if not (np[0] == 1 and title_marker is not None)], candidates
    )
    paragraphs, markers = volume_paragraphs(lines, body, candidates, links, vocab)
    if title_marker is not None and notes:
        markers[1] = Marker(paragraph=0, offset=0, line=title_marker + 1)
    footnotes = assemble_footnotes(lines, notes, markers, vocab)
    return _document(context, section, span, (title_lines, salutation_lines), paragraphs,
                     footnotes), []


def _reorder(lines: list[str], span: list[Page]) -> list[Page]:
    """Put back pages the OCR printed out of order (FORMAT §11), keyed by their first words."""
    numbers = [page.number for page in span]
    span = list(span)
    for early, late in PAGE_ORDER_FIXES:
        first = {lines[page.start].strip()[: len(early)]: k for k, page in enumerate(span)}
        if early in first and late in first and first[early] > first[late]:
            span.insert(first[late], span.pop(first[early]))
    # The printed numbers follow the reading order, not the OCR's.
    return [replace(page, number=number) for page, number in zip(span, numbers, strict=True)]


def _default_year(lines: list[str], date_lines: list[int], period) -> int | None:
    """The year to complete a date cut off by the OCR: the volume's, else the commonest."""
    if period:
        return int(period[0][:4])
    years = [
        int(match.group(0))
        for index in date_lines
        for match in [re.search(r"\b1[89]\d\d\b", lines[index])]
        if match
    ]
    return max(set(years), key=years.count) if years else None


def _title_block(lines: list[str], page: Page, section: Section) -> tuple[list[int], list[int]]:
    """Title lines and salutation lines printed above the date line."""
    if section.date_line is None:
        return section.heading, []
    title, salutation = [], []
    for index in range(page.start, section.date_line):
        if is_blank(lines[index]) or is_junk(lines[index]):
            continue
        (salutation if is_salutation(lines[index]) else title).append(index)
    return title, salutation


def _salutation_first(body, salutation_lines, first_page):
    """Put a salutation the OCR printed above the title back at the start of the body."""
    if not salutation_lines:
        return body
    return [(i, first_page) for i in salutation_lines] + [
        (i, p) for i, p in body if i not in salutation_lines
    ]


def _title_marker_line(lines: list[str], title_lines: list[int]) -> int | None:
    for index in reversed(title_lines):
        if clean_title(lines[index])[1]:
            return index
    return None


def _document(context: _Volume, section, span, heading: tuple[list[int], list[int]],
              paragraphs, footnotes) -> Document:
    lines, file_name, vocab = context.lines, context.file_name, context.vocab
    volume, default_year = context.volume, context.default_year
    title_lines, salutation_lines = heading
    raw_title = " ".join(lines[i].strip() for i in title_lines)
    title, _ = clean_title(raw_title, vocab)
    used = [p.line_start for p in paragraphs] + [p.line_end for p in paragraphs]
    used += [f.line_start for f in footnotes] + [f.line_end for f in footnotes]
    used += [i + 1 for i in title_lines] + [i + 1 for i in salutation_lines]
    if section.date_line is not None:
        used.append(section.date_line + 1)
    numbers = [p.number for p in span if p.number is not None]
    fields: dict = {
        "id": f"{file_prefix(file_name)}-{section.id}",
        "file": file_name,
        "line_start": min(used) if used else span[0].start + 1,
        "line_end": max(used) if used else span[-1].end,
        "volume": volume,
        "pages": (min(numbers), max(numbers)) if numbers else None,
        "paragraphs": tuple(paragraphs),
        "footnotes": tuple(footnotes),
        "title_editorial": title.startswith("["),
    }
    if section.kind == "back-matter":
        headings = [p.text for p in paragraphs if _is_heading(p.text)]
        title = " — ".join(dict.fromkeys([title, *headings]))
    if section.kind != "document":
        fields.update(kind=section.kind, title=title or section.kind, title_editorial=False)
        return Document(**fields)
    date = parse_date(lines[section.date_line], default_year=default_year)
    source = footnotes[0].text if footnotes and footnotes[0].n == 1 else None
    info = parse_source_note(source) if source else None
    if not title and source:
        printed = re.search(r"sous le titre\s*:\s*«\s*(?P<t>[^»]+?)\s*\.?\s*»", source)
        title = printed.group("t") if printed else ""
    salutation = next((p.text for p in paragraphs[:1] if is_salutation(p.text)), None)
    sender = (info.sender if info else None) or DEFAULT_SENDER
    if any(SIGNATURE_BOTH.match(p.text) for p in paragraphs[-2:]):
        sender = "Natalia Sedova et L. Trotsky"
    fields.update(
        kind=info.kind if info else "other",
        title=title or "(sans titre)",
        title_editorial=title.startswith("["),
        **date.fields(),
        sender=sender,
        recipient=(info.recipient if info else None)
        or (salutation_name(salutation) if salutation else None),
        archive_ref=info.archive_ref if info else None,
        language=info.language if info else None,
        source_note=source,
    )
    return Document(**fields)
