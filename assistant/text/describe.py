"""How the assistant names things: document kinds, people, a document, a set of filters.

Every layer (chunk headers, answers, references, the LLM's source labels, the window) reads
these, so a kind is called the same everywhere and a document is described one way:
``reference`` for a bibliographic line ('L. Trotsky, lettre à J. Frankel, 5 janvier 1938,
Œuvres t. 16, p. 38, n. 2'), ``document_phrase`` for the same in running prose ('la lettre à
J. Frankel du 5 janvier 1938').
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from typing import NamedTuple

from assistant.text.calendar import format_date


class KindWords(NamedTuple):
    singular: str
    with_article: str | None  # None: not a kind prose names ("the front matter")
    plural: str | None  # None: a filter on it says "documents (kind)"


KINDS: dict[str, dict[str, KindWords]] = {
    "letter": {"fr": KindWords("lettre", "la lettre", "lettres"),
               "en": KindWords("letter", "the letter", "letters")},
    "article": {"fr": KindWords("article", "l'article", "articles"),
                "en": KindWords("article", "the article", "articles")},
    "declaration": {"fr": KindWords("déclaration", "la déclaration", "déclarations"),
                    "en": KindWords("statement", "the statement", "statements")},
    "telegram": {"fr": KindWords("télégramme", "le télégramme", "télégrammes"),
                 "en": KindWords("telegram", "the telegram", "telegrams")},
    "interview": {"fr": KindWords("entretien", "l'entretien", "entretiens"),
                  "en": KindWords("interview", "the interview", "interviews")},
    "preface": {"fr": KindWords("préface", "la préface", "préfaces"),
                "en": KindWords("preface", "the preface", "prefaces")},
    "front-matter": {"fr": KindWords("présentation", None, None),
                     "en": KindWords("front matter", None, None)},
    "chronology": {"fr": KindWords("repères chronologiques", None, "repères chronologiques"),
                   "en": KindWords("chronology", None, "chronology entries")},
    "back-matter": {"fr": KindWords("annexes", None, None),
                    "en": KindWords("back matter", None, None)},
    "other": {"fr": KindWords("autre", None, None), "en": KindWords("other", None, None)},
}
"""Words for each DocumentKind, per language."""


def kind_words(kind: str, language: str = "fr") -> KindWords | None:
    entry = KINDS.get(kind)
    return entry.get(language, entry["fr"]) if entry else None


def kind_label(kind: str, language: str = "fr") -> str:
    """'lettre' / 'statement'; an unknown kind as it is."""
    words = kind_words(kind, language)
    return words.singular if words else kind


_PARTICLES = {"van", "von", "de", "du", "der", "den", "la", "le", "di", "da", "del", "des", "ter"}


def short_name(name: str | None) -> str:
    """Given names as initials: 'Léon Trotsky' → 'L. Trotsky', 'Jean van Heijenoort' →
    'J. van Heijenoort'; initials, single names and non-personal names are kept."""
    if not name:
        return ""
    tokens = name.split()
    if len(tokens) < 2 or len(tokens) > 5 or not all(t[0].isupper() or t in _PARTICLES
                                                      for t in tokens):
        return name
    surname_at = next((i for i, t in enumerate(tokens) if t in _PARTICLES and i > 0),
                      len(tokens) - 1)
    given = ["-".join(part[0] + "." for part in t.split("-") if part) if not t.endswith(".")
             else t for t in tokens[:surname_at]]
    return " ".join(given + tokens[surname_at:])


def surname(name: str | None) -> str:
    return short_name(name).split()[-1] if name else ""


def correspondents(sender: str | None, recipient: str | None) -> str:
    """'L. Trotsky → J. Frankel' as written; one side alone when the other is unknown."""
    if sender and recipient:
        return f"{sender} → {recipient}"
    return sender or (f"→ {recipient}" if recipient else "")


def format_pages(pages: Sequence[int]) -> str:
    if not pages:
        return ""
    first, last = min(pages), max(pages)
    return f"p. {first}" if first == last else f"pp. {first}-{last}"


def quoted_title(title: str, language: str) -> str:
    return f"“{title}”" if language == "en" else f"« {title} »"


def reference(*, kind: str, title: str = "", date: str | None = None, sender: str | None = None,
              recipient: str | None = None, volume: str | None = None,
              pages: Sequence[int] = (), footnote: int | None = None, language: str = "fr",
              spelled_note: bool = False) -> str:
    """'L. Trotsky, lettre à J. Frankel, 5 janvier 1938, Œuvres t. 16, p. 38, n. 2' (with
    ``spelled_note``, '…, note de l'éditeur 2': what a model reading the sources is told)."""
    words = kind_words(kind, language)
    parts = [short_name(sender)]
    title = title.strip()
    if kind in ("letter", "telegram") and recipient and words:
        to = "to" if language == "en" else "à"
        parts.append(f"{words.singular} {to} {short_name(recipient)}")
    elif title:
        parts.append(quoted_title(title, language))
    elif words and words.with_article:
        parts.append(words.singular)
    parts += [format_date(date, language), volume or "", format_pages(pages)]
    if footnote is not None:
        parts.append((("editor's note " if language == "en" else "note de l'éditeur ")
                      if spelled_note else "n. ") + str(footnote))
    return ", ".join(p for p in parts if p)


def _date_phrase(date: str | None, language: str) -> str:
    if not date:
        return ""
    text = format_date(date, language)
    if language == "en":
        return f" of {text}"
    return f" de {text}" if len(date) == 7 else f" du {text}"


def document_phrase(*, kind: str, title: str = "", date: str | None = None,
                    recipient: str | None = None, language: str = "fr") -> str:
    """'la lettre à J. Frankel du 5 janvier 1938' / 'the letter to J. Frankel of 5 January
    1938'; a titled text by its title, else 'le document'."""
    words = kind_words(kind, language)
    article = words.with_article if words else None
    title = title.strip()
    when = _date_phrase(date, language)
    if kind in ("letter", "telegram") and recipient:
        to = "to" if language == "en" else "à"
        return f"{article} {to} {short_name(recipient)}{when}"
    if title:
        name = quoted_title(title, language)
        if article:
            return f"{article} {name}{when}"
        return f"{name}{when}" if language == "en" else f"le texte {name}{when}"
    return ("the document" if language == "en" else "le document") + when


# --- Filters ---------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _whole_month(after: str | None, before: str | None) -> str | None:
    """'1938-02' when the range is exactly one calendar month, else None."""
    if not after or not before:
        return None
    if _MONTH.match(after) and after == before:
        return after
    start, end = _DAY.match(after), _DAY.match(before)
    if not start or not end or start.group(1, 2) != end.group(1, 2) or start.group(3) != "01":
        return None
    year, month = int(start.group(1)), int(start.group(2))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}" if int(end.group(3)) == last else None


def _dates_phrase(after: str | None, before: str | None, language: str) -> str:
    month = _whole_month(after, before)
    fr = language == "fr"
    if month:
        return f"{'de' if fr else 'of'} {format_date(month, language)}"
    a = format_date(after, language) if after else ""
    b = format_date(before, language) if before else ""
    if fr:
        a_prep = "de" if after and _MONTH.match(after) else "du"
        b_prep = "à" if before and _MONTH.match(before) else "au"
        if after and before:
            return f"{a_prep} {a} {b_prep} {b}"
        if after:
            return f"à partir {'de' if a_prep == 'de' else 'du'} {a}"
        return f"jusqu'{'à' if b_prep == 'à' else 'au'} {b}" if before else ""
    if after and before:
        return f"from {a} to {b}"
    return f"from {a} on" if after else (f"up to {b}" if before else "")


def describe_filters(filters, language: str = "en") -> str | None:
    """What a filtered search covered, in words ('searched letters of February 1938 only' /
    'recherche limitée aux lettres de février 1938'); None without filters."""
    if filters is None or filters.is_empty():
        return None
    fr = language == "fr"
    words = kind_words(filters.kind or "", "fr" if fr else "en")
    noun = words.plural if words and words.plural else "documents"
    if filters.kind and not (words and words.plural):
        noun = f"documents ({filters.kind})"
    if filters.unit_type == "footnote":
        noun = "notes de l'éditeur" if fr else "editor's notes"
    phrase = [noun]
    if filters.correspondent:
        phrase.append(f"de ou à {filters.correspondent}" if fr
                      else f"to or from {filters.correspondent}")
    dates = _dates_phrase(filters.after, filters.before, "fr" if fr else "en")
    if dates:
        phrase.append(dates)
    if filters.file:
        phrase.append(f"({'fichier' if fr else 'file'} {filters.file})")
    text = " ".join(phrase)
    if fr:
        article = "aux" if noun.endswith("s") or noun.startswith("documents") else "au"
        return f"recherche limitée {article} {text}"
    return f"searched {text} only"
