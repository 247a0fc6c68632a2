"""The chat's search filters: from form values (or the API's JSON object) to SearchFilters.

How a set of filters is said in words is ``assistant.text.describe_filters``. Validation
(dates, known correspondents) belongs to the services, which raise FilterError.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from assistant.errors import FilterError
from assistant.types import SearchFilters


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
