"""Search filters turned into a boolean mask over the units (so filtering happens before ranking).

Dates are intervals: a document dated '1938-03' counts as the whole of March 1938, so it matches
``after=1938-03-15``. Documents without a date never match a date filter. Invalid filters raise
``FilterError`` naming the filter and what to do.
"""

from __future__ import annotations

import calendar
import difflib
import re
from datetime import date
from typing import get_args

import numpy as np

from assistant.errors import FilterError
from assistant.text import fold_case as fold
from assistant.types import Chunk, DocumentKind, SearchFilters

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
KINDS = get_args(DocumentKind)


def date_interval(value: str, *, name: str = "date") -> tuple[date, date]:
    """First and last day covered by an ISO date, month or year ('1938', '1938-03', '1938-03-05')."""
    match = _ISO.match(value.strip())
    if not match:
        raise FilterError(f"{name}: {value!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError as error:
        raise FilterError(f"{name}: {value!r} is not a valid date ({error})") from error


class UnitFilter:
    """Precomputed unit metadata for fast masks (one per Retriever)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.size = len(chunks)
        never = (date.max.toordinal(), date.min.toordinal())  # empty interval: matches no range
        spans = []
        for chunk in chunks:
            try:
                first, last = date_interval(chunk.date) if chunk.date else (None, None)
            except FilterError:
                first = last = None
            spans.append((first.toordinal(), last.toordinal()) if first and last else never)
        self.first_day = np.array([s[0] for s in spans], dtype=np.int64)
        self.last_day = np.array([s[1] for s in spans], dtype=np.int64)
        self.kinds = np.array([chunk.doc_kind for chunk in chunks], dtype=object)
        self.files = np.array([chunk.file for chunk in chunks], dtype=object)
        self.types = np.array([chunk.type for chunk in chunks], dtype=object)
        self.people = [
            (fold(chunk.sender or ""), fold(chunk.recipient or "")) for chunk in chunks
        ]
        self.names = sorted({name for chunk in chunks for name in (chunk.sender, chunk.recipient) if name})
        self.file_names = sorted(set(self.files.tolist()))
        self._cache: dict[str, np.ndarray | None] = {}

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Units that pass the filters, or None when there is no filter."""
        if filters is None or filters.is_empty():
            return None
        key = filters.model_dump_json()
        if key not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = self._compute(filters)
        return self._cache[key]

    def _compute(self, filters: SearchFilters) -> np.ndarray:
        keep = np.ones(self.size, dtype=bool)
        after = date_interval(filters.after, name="after") if filters.after else None
        before = date_interval(filters.before, name="before") if filters.before else None
        if after and before and after[0] > before[1]:
            raise FilterError(
                f"the date range is reversed: after {filters.after} comes later than "
                f"before {filters.before}"
            )
        if after:
            keep &= self.last_day >= after[0].toordinal()
        if before:
            keep &= self.first_day <= before[1].toordinal()
        if filters.correspondent:
            keep &= self._correspondent(filters.correspondent)
        if filters.kind:
            if filters.kind not in KINDS:
                raise FilterError(
                    f"kind: unknown document kind {filters.kind!r}; use one of {', '.join(KINDS)}"
                )
            keep &= self.kinds == filters.kind
        if filters.file:
            keep &= self._file(filters.file)
        if filters.unit_type:
            keep &= self.types == filters.unit_type
        return keep

    def _correspondent(self, value: str) -> np.ndarray:
        wanted = fold(value).strip()
        if not wanted:
            raise FilterError("correspondent: give part of a sender's or recipient's name")
        matches = np.array([wanted in sender or wanted in recipient for sender, recipient in self.people])
        if not matches.any():
            folded = {fold(name): name for name in self.names}
            words = {fold(word): name for name in self.names for word in name.split() if len(word) > 2}
            close = difflib.get_close_matches(wanted, list(folded) + list(words), n=5, cutoff=0.6)
            suggestions = list(dict.fromkeys(folded.get(c) or words[c] for c in close))
            hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
            raise FilterError(
                f"correspondent: no document was sent by or to {value!r}{hint}"
            )
        return matches

    def _file(self, value: str) -> np.ndarray:
        exact = self.files == value
        if exact.any():
            return exact
        # A file number ('004') or a prefix of the name is enough.
        prefixed = np.array([name.startswith(value) for name in self.files.tolist()], dtype=bool)
        if value and prefixed.any() and len({f for f in self.file_names if f.startswith(value)}) == 1:
            return prefixed
        raise FilterError(
            f"file: no indexed corpus file is named {value!r}; use one of {', '.join(self.file_names)}"
        )
