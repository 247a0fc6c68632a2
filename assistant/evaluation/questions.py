"""The evaluation question set: its schema, loading, and the checks of ``eval validate``.

Any JSON Lines file in this schema works (one question per line). A gold quote is checked
against the ORIGINAL corpus file: lines ``line``..``line+4`` are stripped, joined with one space
and whitespace-collapsed; the whitespace-collapsed quote must be a substring of that text and
must start inside the first of those lines.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import AssistantError
from assistant.text import fold_case

Kind = Literal[
    "fact-in-body", "fact-in-footnote", "who-is", "date", "multi-doc", "unanswerable",
    "conversation-followup",
]
KINDS: tuple[str, ...] = Kind.__args__
QUOTE_WINDOW = 5  # lines line..line+4
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS = 5, 25
COPIED_NGRAM = 7  # a question sharing this many consecutive words with its quote copies it


class QuestionSetError(AssistantError):
    """The question file cannot be read or does not follow the schema."""


class Gold(BaseModel):
    """Where the answer stands: a file, the line where the quote begins, the footnote if any."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(description="Corpus file name, e.g. '004_7eda2118eecd96f1.txt'.")
    doc_title: str = Field(description="Title of the document that holds the quote.")
    doc_date: str = Field(description="Date of that document.")
    line: int = Field(ge=1, description="1-based line of the original file where the quote begins.")
    footnote: int | None = Field(None, ge=1, description="Editorial note number, or null for body.")
    quote: str = Field(description="Verbatim text (OCR errors included), 5-25 words.")


class Question(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    question: str | list[str] = Field(description="One question, or turns (gold = last turn).")
    language: Literal["fr", "en"]
    answer: str = Field(description="Short reference answer.")
    must_contain: list[str] = Field(default_factory=list)
    gold: list[Gold] = Field(default_factory=list)
    kind: Kind

    @property
    def turns(self) -> list[str]:
        return [self.question] if isinstance(self.question, str) else list(self.question)

    @property
    def last_turn(self) -> str:
        return self.turns[-1]

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a question file; warnings do not fail ``eval validate``."""

    line: int  # line of the JSONL file (1-based)
    qid: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.qid})" if self.qid else "")
        return f"{self.severity}: {where}: {self.message}"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form (for must_contain terms)."""
    return re.sub(r"\s+", " ", fold_case(text.replace("’", "'"))).strip()


def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionSetError(f"cannot read the question file {path}: {error}") from error
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def load_questions(path: Path | str) -> list[Question]:
    """Every question of a JSONL file; raises QuestionSetError (with the line) on a bad one.

    Run ``python -m assistant eval validate FILE`` to see all problems at once.
    """
    path = Path(path)
    questions = []
    for number, line in _read_lines(path):
        try:
            questions.append(Question.model_validate_json(line))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise QuestionSetError(
                f"{path}:{number}: {where}: {first['msg']} "
                f"(run `python -m assistant eval validate {path}` to list every problem)"
            ) from error
    if not questions:
        raise QuestionSetError(f"no questions in {path}")
    return questions


def quote_problem(gold: Gold, corpus_dir: Path, cache: dict[str, list[str] | None]) -> str | None:
    """Why this gold quote does not stand at its file and line, or None when it does."""
    words = len(gold.quote.split())
    if not QUOTE_MIN_WORDS <= words <= QUOTE_MAX_WORDS:
        return f"quote has {words} words (want {QUOTE_MIN_WORDS}-{QUOTE_MAX_WORDS}): {gold.quote!r}"
    if Path(gold.file).name != gold.file or gold.file.startswith("."):
        return f"file must be a bare corpus file name: {gold.file!r}"
    if gold.file not in cache:
        path = corpus_dir / gold.file
        cache[gold.file] = path.read_text(encoding="utf-8").split("\n") if path.is_file() else None
    lines = cache[gold.file]
    if lines is None:
        return f"no file {gold.file} in {corpus_dir}"
    if gold.line > len(lines):
        return f"line {gold.line} is past the end of {gold.file} ({len(lines)} lines)"
    window = [collapse(text) for text in lines[gold.line - 1 : gold.line - 1 + QUOTE_WINDOW]]
    first = window[0]
    joined = collapse(" ".join(window))
    quote = collapse(gold.quote)
    start = joined.find(quote)  # the first occurrence: any later one starts further on
    if start == -1 or start >= len(first):
        if quote in joined:
            return f"quote does not start on line {gold.line} of {gold.file}: {gold.quote!r}"
        return (
            f"quote not found at {gold.file}:{gold.line}: {gold.quote!r}; "
            f"the line reads {first[:90]!r}"
        )
    return None


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", fold(text))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _consistency(q: Question) -> list[tuple[str, str]]:
    """(severity, message) pairs for a question whose fields disagree with its kind."""
    out: list[tuple[str, str]] = []
    if any(not turn.strip() for turn in q.turns):
        out.append(("error", "empty question turn"))
    if q.kind == "unanswerable" and q.gold:
        out.append(("error", "an unanswerable question must have \"gold\": []"))
    if q.kind != "unanswerable" and not q.gold:
        out.append(("error", f"a {q.kind} question needs at least one gold item"))
    if q.kind == "conversation-followup" and len(q.turns) < 2:
        out.append(("error", "a conversation-followup needs a list of at least two turns"))
    if q.kind == "fact-in-footnote" and not any(g.footnote for g in q.gold):
        out.append(("warning", "fact-in-footnote but no gold item has a footnote"))
    if q.kind == "multi-doc" and len({(g.file, g.doc_title, g.doc_date) for g in q.gold}) < 2:
        out.append(("warning", "multi-doc but every gold item is in one document"))
    if any(not term.strip() for term in q.must_contain):
        out.append(("error", "empty must_contain term"))
    asked = _ngrams(" ".join(q.turns), COPIED_NGRAM)
    if any(asked & _ngrams(g.quote, COPIED_NGRAM) for g in q.gold):
        out.append(("warning", f"the question copies {COPIED_NGRAM}+ words of its gold quote"))
    return out


def validate(path: Path | str, corpus_dir: Path | str) -> list[Problem]:
    """Every problem in a question file: schema, unique ids, kinds, gold quotes against the corpus."""
    path, corpus_dir = Path(path), Path(corpus_dir)
    problems: list[Problem] = []
    try:
        rows = _read_lines(path)
    except QuestionSetError as error:
        return [Problem(0, None, str(error))]
    if not rows:
        return [Problem(0, None, f"no questions in {path}")]
    seen: dict[str, int] = {}
    cache: dict[str, list[str] | None] = {}
    for number, line in rows:
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(number, None, f"not JSON: {error}"))
            continue
        qid = raw.get("id") if isinstance(raw, dict) else None
        qid = qid if isinstance(qid, str) else None
        try:
            q = Question.model_validate(raw)
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(part) for part in item["loc"]) or "(object)"
                problems.append(Problem(number, qid, f"{where}: {item['msg']}"))
            continue
        if q.id in seen:
            problems.append(Problem(number, q.id, f"duplicate id (first on line {seen[q.id]})"))
        seen.setdefault(q.id, number)
        for severity, message in _consistency(q):
            problems.append(Problem(number, q.id, message, severity))  # type: ignore[arg-type]
        for i, gold in enumerate(q.gold):
            message = quote_problem(gold, corpus_dir, cache)
            if message:
                problems.append(Problem(number, q.id, f"gold[{i}]: {message}"))
    return problems
