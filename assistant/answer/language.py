"""French or English? Counted on function words, which every question has and names do not."""

from __future__ import annotations

from typing import Literal

from assistant.text import words, wordset

Language = Literal["fr", "en"]

# Frequent, unambiguous function words (folded). Words shared by both languages ("a", "on",
# "en", "in") are left out so that they cannot tip the count.
_FRENCH = wordset(
    "le la les des du un une et est sont etait etaient qui que quel quelle quels quelles quand "
    "comment pourquoi ou dans sur pour par avec sans ses son sa leur il elle ils elles nous vous "
    "je ce cette ces qu au aux ont avait pas ne plus lettre lettres selon apres avant "
    "entre contre chez aussi mais donc dit ecrit"
)
_ENGLISH = wordset(
    "the of and is are was were who what which when where why how did does do his her their "
    "he she they to with without from about for by this that these those into letter letters "
    "according after before between against also but say said write wrote "
    "would could should has have had"
)


def language_scores(text: str) -> tuple[int, int]:
    tokens = words(text)
    return sum(t in _FRENCH for t in tokens), sum(t in _ENGLISH for t in tokens)


def detect_language(text: str, *, default: Language = "fr") -> Language:
    """'fr' or 'en' by function-word counts; ``default`` when neither language shows."""
    french, english = language_scores(text)
    if french == english:
        return default
    return "fr" if french > english else "en"


def is_latin(text: str) -> bool:
    """True when most letters are Latin (a question in Cyrillic or Chinese is not)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
    return latin >= 0.5 * len(letters)
