"""French-aware sentence splitting that returns spans of the original text (quotes stay verbatim).

A full stop ends a sentence unless it closes an abbreviation (``M.``, ``cf.``, ``p.``), an
initial (``J. P. Cannon``) or an acronym (``U.R.S.S.``) — an acronym ends the sentence only when
the next word is an ordinary capitalised word (``en U.R.S.S. Nous aidons``).
"""

from __future__ import annotations

import re

from assistant.text import wordset

# Words after which a full stop does not end the sentence (folded, without the dot).
ABBREVIATIONS = wordset(
    "m mm mme mlle mgr dr st ste cf cfr p pp t n no nos vol vols ed eds ibid id op cit art chap "
    "av apr env etc fig ms mss ch trad coll s ss sq sqq v vs col cie min max gen col cap lt "
    "mr mrs jr sr prof rev gov sen cam"
) - {"etc"}  # "etc." usually ends a sentence in these letters; the next word decides below.

# Capitalised words that start a new sentence after an acronym or "etc.".
_SENTENCE_STARTERS = wordset(
    "il elle ils elles nous je on le la les un une ce cette ces cet mais et or donc quant "
    "en dans pour par sur son sa ses leur leurs tout tous toute aucun si quand comme apres "
    "the he she they it we i this that these in on a an but and his her their"
)
_END = re.compile(r"[.!?…]+(?:\s?[»\"”’)\]])*|[»”]\s*(?=[A-ZÀ-Ý«])")
_NEXT_WORD = re.compile(r"\s+[«\"“(]*\s*([^\W\d_][\w'’-]*|\d)")
_PREVIOUS_TOKEN = re.compile(r"([\w.'’-]+)$")
_ACRONYM = re.compile(r"^(?:[A-Za-zÀ-ÿ]\s?\.){2,}$")


def _is_abbreviation(token: str) -> bool:
    bare = token.rstrip(".").split("'")[-1].split("’")[-1]
    if not bare:
        return False
    if len(bare) == 1 and bare.isalpha():
        return True  # an initial: J. Frankel, M. Dewey
    return bare.lower() in ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, leading/trailing spaces excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        following = _NEXT_WORD.match(text, end)
        if end < len(text) and not following:
            continue  # no capitalised word, number or opening quote after: not a boundary
        if following:
            next_word = following.group(1)
            if not (next_word[0].isupper() or next_word[0].isdigit()):
                continue
        if match.group().startswith(".") and not match.group().startswith("..."):
            before = _PREVIOUS_TOKEN.search(text, 0, match.start())
            token = before.group(1) if before else ""
            token = token.split("'")[-1].split("’")[-1]
            starter = following is not None and following.group(1).lower() in _SENTENCE_STARTERS
            if _ACRONYM.match(token + ".") and not starter:
                continue
            if token.lower().rstrip(".") == "etc" and not starter:
                continue
            if _is_abbreviation(token) and not _ACRONYM.match(token + "."):
                continue
            if token.isdigit() and len(token) <= 2 and start == match.start() - len(token):
                continue  # a numbered item "2." at the very start
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return [_trim(text, a, b) for a, b in spans if text[a:b].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

