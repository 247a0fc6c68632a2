"""Stopwords, stemming and the two tokenisers built on them: the answerer's content terms and
the BM25 terms of search.

Both stem with PyStemmer's French Snowball (the corpus is French; an English question shares
names, years and cognates with it) and map English month names to French ones. They differ
where their jobs differ, and say why: the answerer drops question words and auxiliaries of
both languages (they carry no topic), while search keeps the English "but"/"or" (French words
too) and leaves the English "may" alone (the modal verb is far more common in questions than
the month).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from assistant.text.calendar import ENGLISH_TO_FRENCH_MONTHS
from assistant.text.fold import fold, fold_case, join_acronyms, words

# Question words and auxiliaries carry no topic: they must not count as terms to match.
_QUESTION_WORDS = {
    # French
    "quel", "quelle", "quels", "quelles", "quand", "comment", "pourquoi", "combien", "ou",
    "lequel", "laquelle", "lesquels", "dont", "est-ce", "cela", "ceci", "ca", "il", "elle", "y",
    "a", "t", "fait", "faire", "dit", "dire", "selon", "etait", "etaient", "ete", "avait",
    "sont", "plus", "tres", "aussi", "entre", "sans", "sous", "chez", "vers", "apres", "avant",
    "tout", "tous", "toute", "toutes", "autre", "autres", "cette", "cet", "ces", "leurs",
    "quoi", "si", "non", "oui", "donc", "ainsi", "alors", "comme", "lors", "propos",
    # English
    "who", "whom", "whose", "what", "which", "when", "where", "why", "how", "did", "do", "does",
    "was", "were", "is", "are", "been", "being", "has", "have", "had", "he", "she", "him", "her",
    "his", "hers", "its", "they", "them", "we", "you", "i", "me", "my", "our", "your", "about",
    "from", "than", "so", "say", "said", "tell", "according", "any", "some", "would", "could",
    "should", "can", "may", "also", "there", "here", "one", "ones", "other", "whether",
}
ANSWER_STOPWORDS = frozenset(
    {fold_case(w) for w in STOPWORDS_FRENCH} | set(STOPWORDS_EN) | _QUESTION_WORDS
)
"""Words that never count as a question's or a sentence's content (folded)."""

# "but" (goal) and "or" (gold) are French words too; keep them.
_SEARCH_ENGLISH = set(STOPWORDS_EN) - {"but", "or"} | {
    "who", "whom", "what", "which", "when", "where", "why", "how", "did", "does", "do", "has",
    "have", "had", "were", "his", "her", "he", "she", "its", "about", "from", "been",
}
_SEARCH_FRENCH = {"cet", "cette", "celui", "celle", "ceux", "dont", "ainsi", "aussi", "tout",
                  "tous"}
_SEARCH_ALL = (*STOPWORDS_FRENCH, *_SEARCH_ENGLISH, *_SEARCH_FRENCH)
SEARCH_STOPWORDS = frozenset(_SEARCH_ALL) | frozenset(fold_case(w) for w in _SEARCH_ALL)
"""Words BM25 drops, accented and folded (a lower-case word is checked before folding)."""

# "may" is left out of search: the modal verb is far more common in questions than the month.
SEARCH_MONTHS = {en: fr for en, fr in ENGLISH_TO_FRENCH_MONTHS.items() if en != "may"}

_STEMMER = Stemmer.Stemmer("french")
_STEMMER_LOCK = threading.Lock()  # PyStemmer objects are not thread-safe


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The French stem of a folded word (an English month becomes the French one first)."""
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(ENGLISH_TO_FRENCH_MONTHS.get(word, word))


def stem_words(tokens: list[str]) -> list[str]:
    """Stems of many words in one call (as written: no month mapping, no folding)."""
    with _STEMMER_LOCK:
        return _STEMMER.stemWords(tokens)


def content_terms(text: str) -> list[str]:
    """Stems of the content words (no stopwords, no single letters) in order of appearance;
    acronyms are one word (``U.R.S.S.`` → ``urss``), English months French."""
    return [stem(w) for w in words(text) if len(w) > 1 and w not in ANSWER_STOPWORDS]


_SEARCH_WORD = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def _fold_term(term: str) -> str:
    return fold_case(term)


def search_terms(text: str) -> list[str]:
    """The BM25 terms of a text or a query (same treatment for both): acronyms joined, lower
    case, stopwords dropped, English months French, stemmed, then accents folded (so an OCR'd
    or English ``etat`` meets ``état``); proper nouns and numbers pass through."""
    text = join_acronyms(text.replace("’", "'"), digits=True)
    tokens = [word for word in _SEARCH_WORD.findall(text.lower()) if word != "_"]
    kept = [SEARCH_MONTHS.get(word, word) for word in tokens
            if word not in SEARCH_STOPWORDS and (len(word) > 1 or word.isdigit())]
    return [_fold_term(s) for s in stem_words(kept)]


__all__ = ["ANSWER_STOPWORDS", "SEARCH_STOPWORDS", "content_terms", "fold", "search_terms",
           "stem", "stem_words"]
