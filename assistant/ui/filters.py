"""The chat's search filters: from form values to SearchFilters, and back to words.

``describe_filters`` says what a filtered answer searched, in the answer's language
("searched letters of February 1938 only" / "recherche limitée aux lettres de février 1938").
Validation (dates, known correspondents) belongs to the services, which raise FilterError.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping

from pydantic import ValidationError

from assistant.answer.citations import format_date
from assistant.errors import FilterError
from assistant.types import SearchFilters

_PLURALS = {
    "en": {"letter": "letters", "article": "articles", "declaration": "statements",
           "telegram": "telegrams", "interview": "interviews", "preface": "prefaces",
           "chronology": "chronology entries"},
    "fr": {"letter": "lettres", "article": "articles", "declaration": "déclarations",
           "telegram": "télégrammes", "interview": "entretiens", "preface": "préfaces",
           "chronology": "repères chronologiques"},
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _clean(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def form_filters(after: object = None, before: object = None, correspondent: object = None,
                 kind: object = None) -> SearchFilters | None:
    """The chat form's values as filters; None when every field is empty."""
    filters = SearchFilters(after=_clean(after), before=_clean(before),
                            correspondent=_clean(correspondent), kind=_clean(kind))
    return None if filters.is_empty() else filters


def filters_from_mapping(values: Mapping[str, object] | None) -> SearchFilters | None:
    """Filters given to the API as a JSON object; unknown keys are a FilterError."""
    if not values:
        return None
    if not isinstance(values, Mapping):
        raise FilterError("filters must be a JSON object, e.g. {\"after\": \"1938-02-01\"}.")
    try:
        filters = SearchFilters(**{str(k): _clean(v) for k, v in values.items()})
    except ValidationError as error:
        known = ", ".join(SearchFilters.model_fields)
        bad = ", ".join(str(e["loc"][0]) for e in error.errors() if e.get("loc"))
        raise FilterError(f"unknown or invalid filter ({bad}); the filters are: {known}.") from None
    return None if filters.is_empty() else filters


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


def _date_phrase(after: str | None, before: str | None, language: str) -> str:
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


def describe_filters(filters: SearchFilters | None, language: str = "en") -> str | None:
    """What a filtered search covered, in words; None without filters."""
    if filters is None or filters.is_empty():
        return None
    fr = language == "fr"
    plurals = _PLURALS["fr" if fr else "en"]
    noun = plurals.get(filters.kind or "", "documents")
    if filters.kind and filters.kind not in plurals:
        noun = f"documents ({filters.kind})"
    if filters.unit_type == "footnote":
        noun = "notes de l'éditeur" if fr else "editor's notes"
    words = [noun]
    if filters.correspondent:
        words.append(f"de ou à {filters.correspondent}" if fr
                     else f"to or from {filters.correspondent}")
    dates = _date_phrase(filters.after, filters.before, "fr" if fr else "en")
    if dates:
        words.append(dates)
    if filters.file:
        words.append(f"({'fichier' if fr else 'file'} {filters.file})")
    phrase = " ".join(words)
    if fr:
        article = "aux" if noun.endswith("s") or noun.startswith("documents") else "au"
        return f"recherche limitée {article} {phrase}"
    return f"searched {phrase} only"
