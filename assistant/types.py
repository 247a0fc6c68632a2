"""The project's own frozen records, from parsed letters to cited answers.

They flow through every step (parse → chunk → index → retrieve → answer → cite → render).
LangChain types appear only at the edges (``assistant/chain.py``, the LLM answerer and the
naive peer of the evaluation).
Line numbers are 1-based lines of the original corpus file; a citation can always point there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal[
    "letter", "article", "declaration", "telegram", "interview", "preface", "front-matter",
    "chronology", "back-matter", "other",
]
DatePrecision = Literal["day", "month", "year", "unknown"]
UnitType = Literal["text", "footnote"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Marker(Record):
    """Where a footnote's call stands in the body: the marker digits are removed from the
    normalised text, but their position is kept. A call printed in the document's title (the
    source note 1, usually) is stored as paragraph 0, offset 0, on the title's line."""

    paragraph: int = Field(description="Index of the paragraph in Document.paragraphs.")
    offset: int = Field(description="Character offset in that paragraph's text, just after the word.")
    line: int = Field(description="Original line on which the marker was printed.")


class Paragraph(Record):
    text: str = Field(description="Normalised text (markers removed, page breaks re-joined).")
    line_start: int
    line_end: int
    page: int | None = Field(None, description="Printed page where the paragraph starts.")


class Footnote(Record):
    n: int = Field(description="Number by order within the document (1..n), not the OCR'd digit.")
    text: str = Field(description="Normalised note text, without its leading number.")
    line_start: int
    line_end: int
    page: int | None = None
    marker: Marker | None = Field(None, description="The linked call in the body, if found.")

    @property
    def marker_line(self) -> int | None:
        return self.marker.line if self.marker else None


class Document(Record):
    id: str = Field(description="Stable id: '<file number>-<ordinal>', e.g. '004-017', '000-001'.")
    file: str = Field(description="Corpus file name, e.g. '004_7eda2118eecd96f1.txt'.")
    line_start: int
    line_end: int
    kind: DocumentKind
    title: str = Field(description="Cleaned title; editorial brackets kept.")
    title_editorial: bool = Field(False, description="The title was supplied by the editor ([...]).")
    date: str | None = Field(None, description="ISO date: '1938-01-05', or '1938-03' for a month.")
    date_raw: str = Field("", description="The date as printed, e.g. '(5 janvier 1938)'.")
    date_precision: DatePrecision = "unknown"
    date_inferred: bool = Field(False, description="The date is an editor's inference: [novembre 1933].")
    sender: str | None = None
    recipient: str | None = None
    archive_ref: str | None = Field(None, description="Archive reference, e.g. 'T 4260', '8156'.")
    language: str | None = Field(None, description="Original language, e.g. 'anglais', 'russe'.")
    source_note: str | None = Field(None, description="The editor's source note (note 1), raw.")
    volume: str = Field("", description="The printed edition, e.g. 'Œuvres t. 16'.")
    pages: tuple[int, int] | None = Field(None, description="First and last printed page.")
    paragraphs: tuple[Paragraph, ...] = ()
    footnotes: tuple[Footnote, ...] = ()

    def footnote(self, n: int) -> Footnote | None:
        return next((note for note in self.footnotes if note.n == n), None)


class CorpusProblem(Record):
    """Something the parser skipped or could not read; reported, never silently dropped."""

    file: str
    line: int | None = None
    message: str
    severity: Literal["error", "warning"] = "error"


class Corpus(Record):
    documents: tuple[Document, ...]
    problems: tuple[CorpusProblem, ...] = ()
    files: tuple[str, ...] = Field((), description="Files that were read (parsed or not).")

    def get(self, doc_id: str) -> Document | None:
        return next((doc for doc in self.documents if doc.id == doc_id), None)


class Chunk(Record):
    """A unit of retrieval: a span of a document's paragraphs, or one editorial footnote."""

    id: str = Field(description="'004-017:t3' for text chunks, '004-017:n4' (or ':n4.2') for notes.")
    doc_id: str
    file: str
    type: UnitType
    text: str = Field(description="Quotable text, exactly as normalised from the corpus.")
    header: str = Field(description="Context header embedded with the text (title, date, people).")
    embed_text: str = Field(description="What is embedded and BM25-indexed: header + context + text.")
    line_start: int
    line_end: int
    pages: tuple[int, ...] = ()
    footnotes: tuple[int, ...] = Field((), description="Notes whose markers fall in a text chunk.")
    footnote: int | None = Field(None, description="The note number of a footnote unit.")
    paragraph_start: int | None = None
    paragraph_end: int | None = None
    tokens: int = 0
    # Document metadata, copied so that filters and citations need no join.
    title: str = ""
    date: str | None = None
    doc_kind: str = "other"
    sender: str | None = None
    recipient: str | None = None


class SearchFilters(Record):
    after: str | None = Field(None, description="ISO date: keep documents dated on/after it.")
    before: str | None = Field(None, description="ISO date: keep documents dated on/before it.")
    correspondent: str | None = Field(None, description="Sender or recipient, accent-insensitive.")
    kind: str | None = Field(None, description="Document kind, e.g. 'letter'.")
    file: str | None = Field(None, description="Corpus file name.")
    unit_type: UnitType | None = Field(None, description="Only footnotes, or only text.")

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)


class Hit(Record):
    chunk: Chunk
    score: float
    rank: int = Field(description="1-based rank in the returned list.")
    bm25_rank: int | None = None
    dense_rank: int | None = None
    dense_score: float | None = None


class Citation(Record):
    n: int = Field(description="The [n] used in the answer text.")
    unit_id: str
    doc_id: str
    file: str
    line_start: int
    line_end: int
    footnote: int | None = None
    title: str = ""
    date: str | None = None
    sender: str | None = None
    recipient: str | None = None
    pages: tuple[int, ...] = ()
    quote: str = ""
    verified: bool = False
    reference: str = Field("", description="Bibliographic reference string for the citation.")


AnswerStatus = Literal["answered", "uncertain", "not_in_corpus"]
"""answered: the sources support the answer; uncertain: the closest passages, under a clear
label; not_in_corpus: the corpus does not answer (the only refusal)."""


@dataclass(frozen=True)
class Draft:
    """What an answerer wrote, before citation post-processing: [n] = sources[n - 1]."""

    text: str
    status: AnswerStatus = "answered"
    evidence: float = 0.0
    see_also: tuple[tuple[int, str], ...] = ()  # (source index, closest sentence) on refusal
    quotes: tuple[str, ...] | None = None  # what each [n] quotes, when the answerer knows

    @property
    def refused(self) -> bool:
        return self.status == "not_in_corpus"


@dataclass(frozen=True)
class Cited:
    """An answer's text renumbered [1..m], with one Citation per source it uses."""

    text: str
    citations: tuple[Citation, ...]


class Answer(Record):
    question: str
    standalone_question: str
    language: Literal["fr", "en"]
    text: str = Field(description="Answer text with [n] markers.")
    status: AnswerStatus = Field("answered", description="answered | uncertain | not_in_corpus.")
    refused: bool = Field(False, description="True only when status is not_in_corpus.")
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    see_also: tuple[Citation, ...] = Field((), description="Closest passages shown on refusal.")
    sources: tuple[Hit, ...] = Field((), description="The hits the answerer read, in their "
                                     "order (its sources [1], [2]… before renumbering).")
    mode: str = "extractive"
    notices: tuple[str, ...] = Field((), description="E.g. 'question truncated', filters used.")
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per step.")

    @property
    def verified(self) -> bool:
        return any(c.verified for c in self.citations)


@dataclass(frozen=True)
class ChainState:
    """What flows through the chain (prepare → condense → retrieve → answer → cite): each
    step returns a copy with its own fields filled in."""

    question: str
    history: tuple[Answer, ...] = ()
    filters: SearchFilters | None = None
    k: int | None = None  # passages retrieved (retrieval.k unless given)
    mode: str = "extractive"  # the answerer: extractive or llm
    search_mode: str | None = None  # hybrid, dense or bm25 (retrieval.mode unless given)
    on_text: Callable[[str], None] | None = None  # told the answer text as it grows
    # prepare
    language: Literal["fr", "en"] = "fr"
    notices: tuple[str, ...] = ()
    # condense
    standalone: str = ""
    request: str | None = None  # a request about the previous answer (question.PreviousRequest)
    # retrieve
    hits: tuple[Hit, ...] = ()
    sources: tuple[Hit, ...] = ()  # what the answer is built from (chain.sources_read)
    # answer
    draft: Draft | None = None
    streamed: bool = False  # the LLM already told on_text its text
    # cite
    answer: Answer | None = None
    timings: Mapping[str, float] = field(default_factory=dict)  # milliseconds per step
