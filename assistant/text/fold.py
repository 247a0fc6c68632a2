"""Folding and tokens: how every layer makes OCR'd French and a user's question comparable.

``strip_accents`` is the one place accents are removed; ``fold`` adds case folding and the
corpus's known OCR misreadings (``!'`` for ``l'``, ``·`` for the apostrophe, ``/`` for ``l``). ``words`` are
folded word tokens (acronyms joined: ``l'U.R.S.S.`` → l, urss); ``squeeze`` keeps only
letters and digits, with their offsets, so two readings of the same words compare equal.
Everything here is pure.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi characters are invisible in a terminal but break matching.
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_OCR_FIXES = (("!'", "l'"), ("·", "'"), ("’", "'"), ("‘", "'"), ("quï", "qu'i"), ("Quï", "Qu'i"),
              ("œ", "oe"), ("Œ", "Oe"), ("æ", "ae"))
# The OCR prints a slash for an "l" inside a word ("Wa/cher", "Far/ey", 18 times in the
# corpus); a slash before a capital is a real one ("Frankfurt/Main").
_SLASHED_L = re.compile(r"(?<=[^\W\d_])/(?=[a-zà-ÿ])")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ACRONYM = re.compile(r"\b(?:[^\W\d_] ?\.){2,}(?!\w)")
_ACRONYM_OR_NUMBERING = re.compile(r"\b(?:\w ?\.){2,}(?!\w)")  # also "1.2." (search's)
_YEAR = re.compile(r"\b1[89]\d\d\b")


def strip_accents(text: str) -> str:
    """``Février`` → ``Fevrier`` (compatibility decomposition, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_case(text: str) -> str:
    """Lower case without accents (œ, æ as letter pairs), no OCR repair: ``Révolution`` →
    ``revolution``, ``Œuvres`` → ``oeuvres``."""
    return strip_accents(text.lower().replace("œ", "oe").replace("æ", "ae"))


def fold(text: str) -> str:
    """Lower-case, accent-free text with the corpus's safe OCR fixes applied."""
    for bad, good in _OCR_FIXES:
        text = text.replace(bad, good)
    return strip_accents(_SLASHED_L.sub("l", text)).lower()


def clean_question(text: str) -> str:
    """Strip control and zero-width characters and collapse whitespace."""
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def join_acronyms(text: str, *, digits: bool = False) -> str:
    """``l'U.R.S.S.`` → ``l'URSS `` (an acronym is one word); with ``digits``, a numbering
    such as ``1.2.`` too (BM25 has always indexed it so)."""
    pattern = _ACRONYM_OR_NUMBERING if digits else _ACRONYM
    return pattern.sub(lambda m: re.sub(r"[\s.]", "", m.group(0)) + " ", text)


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits), apostrophes split, acronyms joined:
    l'U.R.S.S. → l, urss."""
    return _WORD.findall(fold(join_acronyms(text)))


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (for readable word lists)."""
    return frozenset(text.split())


def years(text: str) -> list[str]:
    """The years 1800–1999 named in ``text``, once each, in order."""
    return list(dict.fromkeys(_YEAR.findall(text)))


def squeeze(text: str) -> tuple[str, list[int]]:
    """Folded letters and digits only, with each kept character's offset in ``text``.

    Spaces, punctuation, line-break hyphens and spaced abbreviations (``U .R.S.S.``) vanish,
    so two readings of the same words compare equal; the offsets map a match back to the
    original text.
    """
    chars: list[str] = []
    offsets: list[int] = []
    length = len(text)
    for index, ch in enumerate(text):
        if ch == "!" and index + 1 < length and text[index + 1] in "'’":
            replaced = "l"  # !'U.R.S.S. is l'U.R.S.S.
        elif ch == "!" and 0 < index < length - 1 and text[index - 1].isalpha() \
                and text[index + 1].isalpha():
            replaced = "l"  # Sneev!iet
        elif ch == "ï":
            replaced = "i"
        elif ch in "œŒ":
            replaced = "oe"
        elif not ch.isalnum():
            continue
        else:
            replaced = "".join(p for p in strip_accents(ch).lower() if p.isalnum())
        chars.extend(replaced)
        offsets.extend([index] * len(replaced))
    return "".join(chars), offsets
