"""Build normalised paragraphs from printed lines, removing linked markers but keeping their place.

Each line is cut at its markers; each piece is normalised on its own (so a marker's offset is
simply the length of the text before it); lines are joined with the vocabulary-checked rule of
``normalise.join_separator``. Line numbers stay those of the original file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.corpus.markers import Candidate
from assistant.corpus.metadata import is_salutation
from assistant.corpus.normalise import Vocabulary, join_separator, normalise_text
from assistant.corpus.pages import is_blank
from assistant.types import Marker, Paragraph

_SPACES = re.compile(r"\s{2,}")


@dataclass
class _Open:
    text: str = ""
    line_start: int = 0
    line_end: int = 0
    page: int | None = None
    complete: bool = True  # the text ends with a whole word (trailing space or removed marker)
    markers: list[tuple[int, int, int]] = field(default_factory=list)  # (note, offset, line)


class ParagraphBuilder:
    """Accumulates body lines into paragraphs; ``finish()`` returns them with note markers."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.paragraphs: list[Paragraph] = []
        self.markers: dict[int, Marker] = {}
        self._open: _Open | None = None

    def add_line(
        self,
        index: int,
        raw: str,
        page: int | None,
        cuts: list[tuple[Candidate, int | None]] = (),
    ) -> None:
        """Add printed line ``index`` (0-based); ``cuts`` are marker spans with their note."""
        if cuts and cuts[0][0].standalone:
            self._add_standalone(index, cuts[0][1])
            return
        pieces: list[str] = []
        notes: list[int | None] = []
        position = 0
        for candidate, note in sorted(cuts, key=lambda cut: cut[0].start):
            pieces.append(raw[position : candidate.start])
            notes.append(note)
            position = candidate.end
            if raw[position : position + 1] == "•":  # "Craipeau 5•": the bullet is the full stop
                raw = raw[:position] + "." + raw[position + 1 :]
        pieces.append(raw[position:])
        ended_with_space = raw.endswith(" ") or (bool(cuts) and not raw[position:].strip())
        first = True
        for piece_index, piece in enumerate(pieces):
            text = _SPACES.sub(" ", normalise_text(piece, self.vocab))
            if first:
                self._append_line_start(index, text, page)
                first = False
            else:
                self._open.text += text
            if piece_index < len(notes):
                note = notes[piece_index]
                if note is not None:
                    self._open.markers.append((note, len(self._open.text.rstrip()), index + 1))
        if self._open is not None:
            # min/max: a page put back in order may bring lines from further down the file
            self._open.line_start = min(self._open.line_start, index + 1)
            self._open.line_end = max(self._open.line_end, index + 1)
            self._open.complete = ended_with_space

    def _append_line_start(self, index: int, text: str, page: int | None) -> None:
        text = text.lstrip()
        if self._open is None:
            self._open = _Open(text=text, line_start=index + 1, line_end=index + 1, page=page)
            return
        if not text:
            return
        left, separator = join_separator(
            self._open.text, text, self.vocab, left_complete=self._open.complete
        )
        self._open.text = left + separator + text

    def _add_standalone(self, index: int, note: int | None) -> None:
        """A marker alone on its line belongs right after the text so far."""
        if self._open is None:
            return
        if note is not None:
            self._open.markers.append((note, len(self._open.text.rstrip()), index + 1))
        self._open.complete = True

    def mark_word_end(self) -> None:
        """The text so far ends with a whole word, whatever its trailing space says."""
        if self._open is not None:
            self._open.complete = True

    def is_open(self) -> bool:
        return self._open is not None

    def close(self) -> None:
        """End the current paragraph (a paragraph break)."""
        current, self._open = self._open, None
        if current is None:
            return
        text = current.text.strip()
        if not text:
            return
        paragraph_index = len(self.paragraphs)
        self.paragraphs.append(
            Paragraph(
                text=text,
                line_start=current.line_start,
                line_end=current.line_end,
                page=current.page,
            )
        )
        for note, offset, line in current.markers:
            self.markers[note] = Marker(
                paragraph=paragraph_index, offset=min(offset, len(text)), line=line
            )

    def finish(self) -> tuple[list[Paragraph], dict[int, Marker]]:
        self.close()
        return self.paragraphs, self.markers


_TERMINAL = (".", "!", "?", "»", ":", ";", ")", "…", '"')


_HEADING = re.compile(r"^(?=(?:.*[A-ZÀ-Ý]){3})[^a-zà-ÿ]{3,20}$")  # JANVIER, a short heading
_ENTRY = re.compile(r"^(?:\d{1,2}(?:er)?|\?\s?\?|[lJ]O|t•r|\d, \d, \d)?\s*-\s")


def _breaks(previous: str, blank_between: bool, following: str) -> bool:
    """Does a paragraph end between these two printed lines?"""
    previous = previous.strip()
    following = following.strip()
    if not previous or not following:
        return False
    starts_new = following[0].isupper() or following[0] in '«"[(-–—*' or following[0].isdigit()
    if is_salutation(previous) or _HEADING.match(previous):
        return True
    terminal = previous.endswith(_TERMINAL)
    if _ENTRY.match(following) and (terminal or blank_between):
        return True  # a chronology entry: "21 - U.R.S.S. : ...", "- Mexique : ...", "? ? - ..."
    if not starts_new:
        return False
    if blank_between:
        return terminal or len(previous) < 45
    return terminal and len(previous) < 48


def volume_paragraphs(lines, body, candidates, links, vocab):
    """Paragraphs of a volume document from its body lines ``(index, page)``, cutting the
    linked markers (and markers alone on a line) out of the text."""
    cuts_by_line: dict[int, list[tuple[Candidate, int | None]]] = {}
    note_of = {id(candidate): note for note, candidate in links.items()}
    for candidate, _ in candidates:
        if candidate.standalone or id(candidate) in note_of:
            cuts_by_line.setdefault(candidate.line, []).append(
                (candidate, note_of.get(id(candidate)))
            )
    builder = ParagraphBuilder(vocab)
    previous: str | None = None
    blank = False
    for index, page in body:
        line = lines[index]
        if is_blank(line):
            blank = True
            continue
        cuts = cuts_by_line.get(index, [])
        standalone = bool(cuts) and cuts[0][0].standalone
        if (
            previous is not None
            and builder.is_open()
            and not standalone
            and _breaks(previous, blank, line)
        ):
            builder.close()
        builder.add_line(index, line, page.number, cuts)
        if not standalone:
            previous = line
        blank = False
    return builder.finish()
