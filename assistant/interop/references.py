"""References in the formats reference managers read: CSL-JSON (Zotero, Pandoc) and BibTeX.

A reference points at a document of the edition, or at one editor's note of it ("note 4"); its
fields come from the parsed document (title, date, sender, recipient, pages, archive reference)
and from the volume's front matter (``edition.Edition``: title, volume, editor, imprint). The
CSL-JSON item of a note carries the CSL citation keys ``locator``/``label`` (read by Pandoc and
citeproc processors) and a ``note`` field ("note 4", kept by Zotero's import); ``render_csl``
renders items with citeproc-py in the style shipped beside this module.
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.errors import AssistantError
from assistant.interop.edition import Edition, editions_of
from assistant.types import Citation, Document

Format = Literal["csl-json", "bibtex"]
FORMATS: tuple[str, ...] = ("csl-json", "bibtex")
STYLE = Path(__file__).with_name("letters-edition.csl")
_IN_EDITION = {"letter": "chapter", "telegram": "chapter"}
_STANDALONE = {"letter": "letter", "telegram": "letter", "article": "article",
               "interview": "interview"}
_PARTICLES = {"van", "von", "de", "du", "der", "den", "la", "le", "di", "da", "del", "des", "ter"}
_GENRES = {"letter": "lettre", "telegram": "télégramme", "article": "article",
           "declaration": "déclaration", "interview": "entretien", "preface": "préface"}


@dataclass(frozen=True)
class Cited:
    """What a reference points at: a document, or one of its editor's notes."""

    document: Document
    edition: Edition
    note: int | None = None
    pages: tuple[int, ...] = ()  # the cited passage's printed pages, when narrower
    lines: tuple[int, int] | None = None  # the cited passage's line span in the file

    @property
    def key(self) -> str:
        """A stable citation key: 'Trotsky1938-004-002' (+ '-n4' for a note)."""
        author = self.document.sender or self.edition.author or "anon"
        family = _ascii(_split_name(author).get("family", author)).capitalize() or "Anon"
        year = (self.document.date or "nd")[:4]
        note = f"-n{self.note}" if self.note is not None else ""
        return f"{family}{year}-{self.document.id}{note}"


def cited(document: Document, edition: Edition, *, note: int | None = None) -> Cited:
    """The reference to a document or to its note ``note`` (AssistantError if it has none)."""
    if note is not None and document.footnote(note) is None:
        count = len(document.footnotes)
        raise AssistantError(f"document {document.id} has no note {note} "
                             f"(it has {count} note{'s' if count != 1 else ''})")
    return Cited(document, edition, note=note)


def cited_from(citation: Citation, document: Document, edition: Edition) -> Cited:
    """The reference of an answer's citation (a passage of the document, or a note)."""
    return Cited(document, edition, note=citation.footnote, pages=tuple(citation.pages),
                 lines=(citation.line_start, citation.line_end))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Za-z0-9]", "", folded.encode("ascii", "ignore").decode())


def _split_name(name: str) -> dict[str, str]:
    """A CSL name: {'family', 'given'} for a person ('L. Trotsky', 'Jean van Heijenoort'),
    {'literal'} for anything else ('la commission Dewey', 'Natalia Sedova et L. Trotsky')."""
    tokens = name.split()
    personal = 2 <= len(tokens) <= 4 and all(t[0].isupper() or t in _PARTICLES for t in tokens)
    if not personal:
        return {"literal": name}
    at = next((i for i, t in enumerate(tokens) if t in _PARTICLES and i > 0), len(tokens) - 1)
    return {"family": " ".join(tokens[at:]), "given": " ".join(tokens[:at])}


def _pages(target: Cited) -> tuple[int, ...]:
    if target.note is not None:
        note = target.document.footnote(target.note)
        return (note.page,) if note is not None and note.page is not None else ()
    if target.pages:
        return target.pages
    return tuple(target.document.pages or ())


def _page_range(target: Cited) -> str:
    pages = _pages(target)
    if not pages:
        return ""
    first, last = min(pages), max(pages)
    return str(first) if first == last else f"{first}-{last}"


def _lines(target: Cited) -> tuple[int, int]:
    if target.note is not None:
        note = target.document.footnote(target.note)
        return note.line_start, note.line_end
    return target.lines or (target.document.line_start, target.document.line_end)


def _title(document: Document) -> str:
    return "" if document.title in ("", "(sans titre)") else document.title


def _genre(document: Document) -> str:
    genre = _GENRES.get(document.kind, "")
    if genre and document.recipient and document.kind in ("letter", "telegram"):
        return f"{genre} à {document.recipient}"
    return genre


def _date_parts(iso: str | None) -> list[int] | None:
    if not iso:
        return None
    try:
        return [int(part) for part in iso.split("-")]
    except ValueError:
        return None


def _source(target: Cited) -> str:
    first, last = _lines(target)
    return f"{target.document.file}, l. {first}-{last}"


def csl_item(target: Cited) -> dict:
    """The CSL-JSON item (one entry of a CSL-JSON array)."""
    document, edition = target.document, target.edition
    numbered = edition.volume is not None
    item: dict = {
        "id": target.key,
        "type": (_IN_EDITION.get(document.kind, "chapter") if numbered
                 else _STANDALONE.get(document.kind, "manuscript")),
        "title": _title(document) or _genre(document),
        "genre": _genre(document) or None,
        "author": [_split_name(document.sender)] if document.sender else None,
        "recipient": [_split_name(document.recipient)] if document.recipient else None,
        "issued": {"date-parts": [parts]} if (parts := _date_parts(document.date)) else None,
        "container-title": edition.title or None,
        "volume": edition.volume,
        "editor": [_split_name(edition.editor)] if edition.editor else None,
        "publisher": edition.publisher,
        "publisher-place": edition.place,
        "page": _page_range(target) or None,
        "archive_location": document.archive_ref,
        "language": "fr",
        "source": _source(target),
    }
    if target.note is not None:
        item.update({"note": f"note {target.note}", "locator": str(target.note),
                     "label": "note"})
    return {name: value for name, value in item.items() if value not in (None, "", [])}


_BIBTEX_SPECIAL = re.compile(r"([&%$#_])")


def _bibtex_value(text: str) -> str:
    """A field value inside braces: LaTeX specials escaped, braces made balanced."""
    text = text.replace("\\", "/").replace("{", "(").replace("}", ")")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def _bibtex_name(name: str) -> str:
    parts = _split_name(name)
    if "literal" in parts:
        return "{" + _bibtex_value(parts["literal"]) + "}"
    return _bibtex_value(f"{parts['family']}, {parts['given']}")


def bibtex_entry(target: Cited) -> str:
    """One BibTeX entry (@incollection in a numbered edition, else @misc), biblatex's
    ``date`` beside BibTeX's ``year``/``month``."""
    document, edition = target.document, target.edition
    date = document.date or ""
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    month = months[int(date[5:7]) - 1] if len(date) >= 7 and date[5:7].isdigit() else None
    title = _title(document) or _genre(document).capitalize()
    fields: list[tuple[str, str | None]] = [
        ("author", _bibtex_name(document.sender) if document.sender else None),
        ("title", "{" + _bibtex_value(title) + "}" if title else None),
        ("booktitle" if edition.volume else "howpublished",
         _bibtex_value(edition.title) if edition.title else None),
        ("volume", edition.volume),
        ("editor", _bibtex_name(edition.editor) if edition.editor else None),
        ("publisher", _bibtex_value(edition.publisher) if edition.publisher else None),
        ("address", _bibtex_value(edition.place) if edition.place else None),
        ("year", date[:4] or None),
        ("month", month),
        ("date", date or None),
        ("pages", _page_range(target).replace("-", "--") or None),
        ("note", f"note {target.note}" if target.note is not None else None),
        ("type", _bibtex_value(_genre(document)) if _genre(document) else None),
        ("langid", "french"),
        ("addendum", _bibtex_value(_source(target))),
    ]
    entry_type = "incollection" if edition.volume else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry_type}{{{target.key},\n{body}\n}}\n"


def render(targets: Iterable[Cited], format: str) -> str:
    """The references in ``format`` ('csl-json': a JSON array; 'bibtex': entries)."""
    targets = list(targets)
    if format == "csl-json":
        return json.dumps([csl_item(t) for t in targets], ensure_ascii=False, indent=2) + "\n"
    if format == "bibtex":
        return "\n".join(bibtex_entry(t) for t in targets)
    raise AssistantError(f"unknown reference format {format!r}: use {' or '.join(FORMATS)}")


def citation_formats(citation: Citation, document: Document | None, corpus) -> dict[str, str]:
    """{"csl-json", "bibtex"} of an answer's citation (empty when its document is unknown)."""
    if document is None or corpus is None:
        return {}
    target = cited_from(citation, document, editions_of(corpus)[document.file])
    return {format: render([target], format).strip() for format in FORMATS}


def render_csl(items: Sequence[dict], *, style: Path = STYLE, locale: str = "fr-FR"
               ) -> list[str]:
    """Each CSL-JSON item rendered as a citation (with its locator: 'note 4') by citeproc-py."""
    from citeproc import Citation as CSLCitation
    from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    data = [{k: v for k, v in item.items() if k not in ("locator", "label")} for item in items]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns on valid but unvalidated styles
        source = CiteProcJSON(data)
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(str(style), locale=locale, validate=False), source,
            formatter.plain)
        citations = []
        for item in items:
            extra = {}
            if "locator" in item:
                extra["locator"] = Locator(item.get("label", "page"), item["locator"])
            citation = CSLCitation([CitationItem(item["id"], **extra)])
            bibliography.register(citation)
            citations.append(citation)
        return [str(bibliography.cite(citation, lambda _item: None)) for citation in citations]
