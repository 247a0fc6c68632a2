"""Tolerant matching of stems: a question's word meets a sentence's word when they share a stem
or a long prefix ("secretary"/"secrétaire", "propos"/"proposition")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from math import fsum


def related(a: str, b: str) -> bool:
    """Same stem, or a long shared prefix (secretary/secretair, propos/proposit)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 5 or a[:5] != b[:5]:
        return False
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return common >= 0.75 * shorter


def covered(terms: Sequence[str], vocabulary: set[str]) -> set[str]:
    """The question terms that some word of ``vocabulary`` matches."""
    return {t for t in terms if t in vocabulary or any(related(t, v) for v in vocabulary)}


def weight_of(terms: Iterable[str], weights: Mapping[str, float]) -> float:
    """The weights of ``terms`` added up exactly (math.fsum). ``terms`` is often a set, whose
    order follows PYTHONHASHSEED: a plain sum could differ in its last bit from one process to
    the next and break a tie the other way (one question was once quoted two ways)."""
    return fsum(weights.get(term, 0.0) for term in terms)


def by_prefix(known: Iterable[str]) -> dict[str, list[str]]:
    """Words grouped by their first five letters (``related`` needs them equal)."""
    groups: dict[str, list[str]] = {}
    for word in known:
        groups.setdefault(word[:5], []).append(word)
    return groups
