"""The four tools an MCP client (Claude Desktop, Cursor, any Model Context Protocol client)
gets: search the letters, ask them a question, read a passage, read an editor's note.

Their docstrings and typed arguments are what the model reads (Gradio turns them into the
tools' descriptions and JSON schemas), so they say what each tool is for and what it returns.
Every result carries its citation: document id, corpus file, line span, pages and the
bibliographic reference, so the client can quote and cite. The tools are plain methods over
the services; ``mcp_server`` registers them on the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.answer.citations import make_citation
from assistant.errors import AssistantError
from assistant.text import reference as describe_reference
from assistant.types import Citation, Document, Hit, SearchFilters

MAX_PASSAGES = 20
MAX_PASSAGE_LINES = 300
TOOL_NAMES = ("search_letters", "ask_letters", "get_passage", "get_note")
_CITATION_FIELDS = ("doc_id", "file", "line_start", "line_end", "footnote", "title", "date",
                    "sender", "recipient", "pages", "reference")


def citation_json(citation: Citation) -> dict:
    return citation.model_dump(mode="json", include=set(_CITATION_FIELDS))


class LetterTools:
    """The MCP tools; ``services`` returns the loaded services or raises the reason why not."""

    def __init__(self, services: Callable[[], Any]):
        self._services = services

    def _document(self, doc_id: str) -> Document:
        services = self._services()
        document = services.document((doc_id or "").strip())
        if document is None:
            raise AssistantError(f"no document {doc_id!r}: ids look like 004-002 or 000-001 "
                                 "(search_letters returns them)")
        return document

    def _reference(self, document: Document, *, lines: tuple[int, int], pages: tuple[int, ...],
                   footnote: int | None = None, quote: str = "") -> dict:
        citation = Citation(
            n=1, unit_id=f"{document.id}:{'n' if footnote else 'l'}{footnote or lines[0]}",
            doc_id=document.id, file=document.file, line_start=lines[0], line_end=lines[1],
            footnote=footnote, title=document.title, date=document.date,
            sender=document.sender, recipient=document.recipient, pages=pages, quote=quote,
            verified=True)
        reference = describe_reference(
            kind=document.kind, title=document.title, date=document.date,
            sender=document.sender, recipient=document.recipient,
            volume=document.volume or None, pages=pages, footnote=footnote)
        return citation_json(citation.model_copy(update={"reference": reference}))

    def search_letters(self, query: str, after: str = "", before: str = "",
                       correspondent: str = "", kind: str = "", k: int = 5) -> dict:
        """Search the letters of Trotsky (Œuvres t. 16, January-March 1938) and Bukharin
        (1925-1937), and the editor's footnotes, for passages about a subject (French or
        English query). Returns the best passages, each with its text and its citation
        (document id, corpus file, line span, pages, bibliographic reference); quote the text
        and cite the reference. Use get_passage or get_note to read more around a passage.

        Args:
            query: what to look for, in French or English (names, subjects, a question).
            after: only documents dated on or after this ISO date (YYYY-MM-DD or YYYY-MM); empty for no limit.
            before: only documents dated on or before this ISO date; empty for no limit.
            correspondent: only documents sent by or to this person (part of a name, any accents); empty for all.
            kind: only documents of this kind (letter, article, declaration, telegram, interview, preface); empty for all.
            k: how many passages to return (1 to 20).
        """
        k = int(k)
        if not 1 <= k <= MAX_PASSAGES:
            raise AssistantError(f"k must be between 1 and {MAX_PASSAGES} (got {k})")
        filters = SearchFilters(after=after or None, before=before or None,
                                correspondent=correspondent or None, kind=kind or None)
        services = self._services()
        hits = services.retriever.search(query, k=k,
                                         filters=None if filters.is_empty() else filters)
        return {"query": query, "passages": [self._passage(services, hit) for hit in hits]}

    def _passage(self, services, hit: Hit) -> dict:
        citation = make_citation(hit.rank, hit, quote=hit.chunk.text, verified=True,
                                 volume=services.volume_of(hit.chunk.doc_id))
        return {"rank": hit.rank, "type": hit.chunk.type, "text": hit.chunk.text,
                "citation": citation_json(citation)}

    def ask_letters(self, question: str) -> dict:
        """Ask the letters a question (French or English) and get an answer built only from
        quoted passages of the letters and the editor's notes, each claim marked [n] and
        cited. status is "answered"; "uncertain" when the letters may not answer exactly
        (the closest passages are quoted and cited: read them); or "not_in_corpus" when the
        letters definitely do not hold the answer (a person, work or period they never
        mention; see_also lists the closest passages). Each citation gives the document id,
        corpus file, line span, pages and reference.

        Args:
            question: the question, in French or English, e.g. "Qui était Benjamin Stolberg ?".
        """
        answer = self._services().ask(question or "")
        return {
            "question": answer.question,
            "status": answer.status,
            "refused": answer.refused,
            "language": answer.language,
            "answer": answer.text,
            "citations": [dict(citation_json(c), n=c.n, quote=c.quote, verified=c.verified)
                          for c in answer.citations],
            "see_also": [dict(citation_json(c), n=c.n, quote=c.quote) for c in answer.see_also],
            "notices": list(answer.notices),
        }

    def get_passage(self, doc_id: str, line_start: int, line_end: int) -> dict:
        """Read a passage of one document verbatim: the paragraphs (and editor's notes) of
        document doc_id printed on lines line_start to line_end of its corpus file, as cited
        by search_letters or ask_letters. Returns the text and its citation.

        Args:
            doc_id: the document id, e.g. "004-002".
            line_start: first line of the passage in the corpus file (from a citation).
            line_end: last line of the passage (at most 300 lines after line_start).
        """
        document = self._document(doc_id)
        first, last = int(line_start), int(line_end)
        if last < first or last - first > MAX_PASSAGE_LINES:
            raise AssistantError(f"line_end must be from line_start to line_start + "
                                 f"{MAX_PASSAGE_LINES} (got {first}-{last})")
        blocks = [(p.line_start, p.line_end, p.page, p.text, None) for p in document.paragraphs]
        blocks += [(f.line_start, f.line_end, f.page, f.text, f.n) for f in document.footnotes]
        chosen = sorted(b for b in blocks if b[0] <= last and b[1] >= first)
        if not chosen:
            raise AssistantError(f"document {document.id} has no text on lines {first}-{last}:"
                                 f" it spans lines {document.line_start}-{document.line_end}"
                                 f" of {document.file}")
        pages = tuple(sorted({b[2] for b in chosen if b[2] is not None}))
        lines = (min(b[0] for b in chosen), max(b[1] for b in chosen))
        parts = [text if n is None else f"[note {n}] {text}" for _, _, _, text, n in chosen]
        return {"doc_id": document.id, "text": "\n\n".join(parts),
                "citation": self._reference(document, lines=lines, pages=pages)}

    def get_note(self, doc_id: str, number: int) -> dict:
        """Read one editor's footnote verbatim: note `number` of document doc_id (notes are
        numbered 1, 2, ... within each document; note 1 is usually the editor's source note).
        Returns its text, the line of its call in the document, and its citation.

        Args:
            doc_id: the document id, e.g. "004-002".
            number: the note's number in that document, e.g. 4.
        """
        document = self._document(doc_id)
        note = document.footnote(int(number))
        if note is None:
            raise AssistantError(f"document {document.id} has no note {number} (it has "
                                 f"{len(document.footnotes)})")
        return {
            "doc_id": document.id, "number": note.n, "text": note.text,
            "marker_line": note.marker_line,
            "citation": self._reference(document, lines=(note.line_start, note.line_end),
                                        pages=(note.page,) if note.page else (),
                                        footnote=note.n, quote=note.text),
        }
