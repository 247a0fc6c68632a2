"""Parse the OCR'd letters into documents, paragraphs and linked footnotes.

``load_corpus(settings)`` reads every corpus file in name order; a file that is empty, not
UTF-8 or of a layout the parser does not recognise becomes a ``CorpusProblem`` naming the file,
and the other files are still parsed. The layout is decided by signals, not by file name: a
Boukharine letter heading, or the Trotsky volume's pages, dates and source notes.
"""

from __future__ import annotations

from pathlib import Path

from assistant.config import CorpusSettings
from assistant.corpus import boukharine, trotsky
from assistant.corpus.normalise import Vocabulary
from assistant.errors import CorpusError
from assistant.types import Corpus, CorpusProblem, Document

__all__ = ["load_corpus", "parse_file", "parse_text"]


def load_corpus(settings: CorpusSettings) -> Corpus:
    """All documents of the corpus folder, in file order, with the problems met on the way."""
    folder = Path(settings.dir)
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist; set ASSISTANT_CORPUS__DIR to the folder "
            "holding the .txt files"
        )
    paths = sorted(p for p in folder.glob(settings.pattern) if p.is_file())
    if not paths:
        raise CorpusError(
            f"no files matching {settings.pattern!r} in {folder}; check ASSISTANT_CORPUS__DIR "
            "and ASSISTANT_CORPUS__PATTERN"
        )
    documents: list[Document] = []
    problems: list[CorpusProblem] = []
    texts: list[tuple[Path, str]] = []
    for path in paths:
        text, problem = _read(path)
        if problem is not None:
            problems.append(problem)
        if text:  # a warning (e.g. a truncated file) still lets the text be parsed
            texts.append((path, text))
    # One vocabulary for all files: the short letters borrow the volume's words to decide
    # whether two line pieces form a word.
    vocab = Vocabulary.from_lines([line for _, text in texts for line in _lines(text)])
    for path, text in texts:
        file_documents, file_problems = parse_text(text, path.name, vocab)
        documents.extend(file_documents)
        problems.extend(file_problems)
    return Corpus(
        documents=tuple(documents), problems=tuple(problems), files=tuple(p.name for p in paths)
    )


def parse_file(path: str | Path) -> tuple[list[Document], list[CorpusProblem]]:
    """Documents of one corpus file, or the problem that kept it from being parsed."""
    path = Path(path)
    text, problem = _read(path)
    if not text:
        return [], [problem] if problem is not None else []
    documents, problems = parse_text(text, path.name)
    return documents, ([problem] if problem is not None else []) + problems


def _read(path: Path) -> tuple[str, CorpusProblem | None]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return "", CorpusProblem(file=path.name, message=f"cannot read the file: {error.strerror}")
    if not data.strip():
        return "", CorpusProblem(file=path.name, message="the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if error.end == len(data) and "end of data" in error.reason:
            # Cut in the middle of a character: a truncated file. Keep what precedes.
            return data[: error.start].decode("utf-8-sig"), CorpusProblem(
                file=path.name, line=line, severity="warning",
                message="the file ends in the middle of a character: it looks truncated; "
                "the text before it is read",
            )
        return "", CorpusProblem(
            file=path.name,
            line=line,
            message=f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "convert the file to UTF-8",
        )
    return text, _truncated(text, path.name)


_SENTENCE_END = tuple(".!?;:»\"')]…*")


def _truncated(text: str, file_name: str) -> CorpusProblem | None:
    """A warning when the file stops in the middle of a line and of a sentence (no final
    line break, no closing punctuation): it was probably cut short."""
    if text.endswith(("\n", "\r")):
        return None
    last = text.rstrip().rsplit("\n", 1)[-1].strip()
    if not last or last.endswith(_SENTENCE_END):
        return None
    line = text.count("\n") + 1
    return CorpusProblem(
        file=file_name, line=line, severity="warning",
        message=f"the file ends in the middle of a line («…{last[-30:]}») without a line "
        "break: it looks truncated; the text up to there is read",
    )


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def parse_text(
    text: str, file_name: str, vocab: Vocabulary | None = None
) -> tuple[list[Document], list[CorpusProblem]]:
    """Parse the text of one file named ``file_name`` (used in ids and problems).

    ``vocab`` (the words of the whole corpus) defaults to the words of this file.
    """
    lines = _lines(text)
    vocab = vocab if vocab is not None else Vocabulary.from_lines(lines)
    parser = (
        boukharine.parse_letter
        if boukharine.looks_like_letter(lines)
        else trotsky.parse_volume
        if trotsky.looks_like_volume(lines)
        else None
    )
    if parser is not None:
        try:
            documents, problems = parser(lines, file_name, vocab)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the corpus
            message = f"parser failed: {type(error).__name__}: {error}"
            return [], [CorpusProblem(file=file_name, message=message)]
        if not documents and not problems:
            problems = [CorpusProblem(file=file_name, message="no document found in the file")]
        return documents, problems
    first = next((i + 1 for i, line in enumerate(lines) if line.strip()), 1)
    return [], [
        CorpusProblem(
            file=file_name,
            line=first,
            message="unrecognised layout: neither a Boukharine letter (heading "
            "'N. Boukharine à ...') nor a volume of Trotsky's Œuvres (pages, dated documents, "
            "source notes)",
        )
    ]
