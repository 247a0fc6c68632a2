"""Text helpers shared by the answerers: cleaning questions, folding, content terms, names.

Folding is what makes OCR text comparable: accents and case removed, the corpus's known
misreadings repaired (``!'`` for ``l'``, ``·`` for the apostrophe). Everything here is pure.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

# Question words and auxiliaries carry no topic: they must not count as terms to match.
_EXTRA_STOPWORDS = {
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
STOPWORDS = frozenset(
    {unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in STOPWORDS_FRENCH}
    | set(STOPWORDS_EN)
    | _EXTRA_STOPWORDS
)

# Zero-width and bidi characters are invisible in a terminal but break matching.
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_OCR_FIXES = (("!'", "l'"), ("·", "'"), ("’", "'"), ("‘", "'"), ("quï", "qu'i"), ("Quï", "Qu'i"),
              ("œ", "oe"), ("Œ", "Oe"), ("æ", "ae"))
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ACRONYM = re.compile(r"\b(?:[^\W\d_] ?\.){2,}(?!\w)")
_YEAR = re.compile(r"\b1[89]\d\d\b")


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (for readable word lists)."""
    return frozenset(text.split())


def clean_question(text: str) -> str:
    """Strip control and zero-width characters and collapse whitespace."""
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, accent-free text with the corpus's safe OCR fixes applied."""
    for bad, good in _OCR_FIXES:
        text = text.replace(bad, good)
    return strip_accents(text).lower()


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits), apostrophes split, acronyms joined:
    l'U.R.S.S. → l, urss."""
    text = _ACRONYM.sub(lambda m: re.sub(r"[\s.]", "", m.group(0)) + " ", text)
    return _WORD.findall(fold(text))


# The corpus is French; an English question shares names, years and cognates with it.
_STEMMER = Stemmer.Stemmer("french")
_STEMMER_LOCK = threading.Lock()  # PyStemmer objects are not thread-safe
_ENGLISH_MONTHS = {
    "january": "janvier", "february": "fevrier", "march": "mars", "april": "avril",
    "may": "mai", "june": "juin", "july": "juillet", "august": "aout", "september": "septembre",
    "october": "octobre", "november": "novembre", "december": "decembre",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(_ENGLISH_MONTHS.get(word, word))


def content_terms(text: str) -> list[str]:
    """Stems of the content words (no stopwords, no single letters) in order of appearance;
    acronyms are one word (``U.R.S.S.`` → ``urss``), English months French."""
    return [stem(w) for w in words(text) if len(w) > 1 and w not in STOPWORDS]


def proper_names(text: str) -> list[str]:
    """Folded words that look like proper names: capitalised, not a sentence's first word,
    not a stopword (``Qui était Benjamin Stolberg ?`` → benjamin, stolberg)."""
    return list(dict.fromkeys(name for run in name_runs(text) for name in run))


def name_runs(text: str, *, folded: bool = True) -> list[tuple[str, ...]]:
    """The proper names of ``text`` as runs of consecutive names, folded (or as written):
    "What did Trotsky write to Albert Einstein?" → (trotsky,), (albert, einstein). An
    English possessive or a French elision is not part of the name (Eisenstein's, l'Espagne)."""
    runs: list[tuple[str, ...]] = []
    for sentence in re.split(r"[.?!;:\n]+", text):
        tokens = re.findall(r"[^\W\d_][\w'’-]*", sentence)
        run: list[str] = []
        for position, token in enumerate(tokens):
            token = _POSSESSIVE.sub("", token).split("'")[-1].split("’")[-1]
            key = fold(token)
            if (not token or not token[0].isupper() or key in STOPWORDS or len(key) < 2
                    or key in _NOT_NAMES or (position == 0 and key in _SENTENCE_OPENERS)):
                if run:
                    runs.append(tuple(run))
                run = []
                continue
            run.append(key if folded else token)
        if run:
            runs.append(tuple(run))
    return runs


_POSSESSIVE = re.compile(r"['’]s$")
# English capitalises months and days; they are dates, not names.
_NOT_NAMES = frozenset(_ENGLISH_MONTHS) | {"monday", "tuesday", "wednesday", "thursday",
                                             "friday", "saturday", "sunday"}
_SENTENCE_OPENERS = {"qui", "que", "quel", "quelle", "quand", "comment", "pourquoi", "what",
                     "who", "when", "why", "how", "which", "did", "does", "do", "et", "and",
                     "dans", "in", "according", "selon", "est", "is", "was", "were", "en"}


_TRANSLITERATION = (("tch", "ch"), ("sh", "ch"), ("zh", "j"), ("dj", "j"), ("kh", "h"),
                    ("ou", "u"), ("y", "i"), ("w", "v"), ("ff", "f"), ("ss", "s"))


# English names of places that the French text spells its own way (folded).
EXONYMS = {
    "moscow": "moscou", "mexico": "mexique", "norway": "norvege", "germany": "allemagne",
    "spain": "espagne", "russia": "russie", "china": "chine", "turkey": "turquie",
    "london": "londres", "switzerland": "suisse", "swiss": "suisse", "belgium": "belgique",
    "netherlands": "hollande", "japan": "japon", "austria": "autriche", "poland": "pologne",
    "england": "angleterre", "britain": "angleterre", "czechoslovakia": "tchecoslovaquie",
    "brussels": "bruxelles", "geneva": "geneve", "vienna": "vienne", "warsaw": "varsovie",
    "barcelona": "barcelone", "ussr": "urss", "soviet": "sovietique", "lenin": "lenine",
}


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """A spelling-tolerant key for a folded name, so that the French and English
    transliterations of Russian names meet: Boukharine/Bukharin, Vorochilov/Voroshilov,
    Kouïbychev/Kuibyshev, Ordjonikidzé/Ordzhonikidze, Trotski/Trotsky, Moscow/Moscou."""
    word = EXONYMS.get(word, word)
    for a, b in _TRANSLITERATION:
        word = word.replace(a, b)
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def years(text: str) -> list[str]:
    return list(dict.fromkeys(_YEAR.findall(text)))


_MONTH_NUMBER = {name: n for n, pair in enumerate(_ENGLISH_MONTHS.items(), start=1)
                 for name in pair}
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTH_NUMBER) + r"),?\s+(?:of\s+)?(1[89]\d\d)\b")


def month_years(text: str) -> list[str]:
    """The months of a year that ``text`` names, as ISO 'YYYY-MM' ("le 5 septembre 1938",
    "in September 1938" → 1938-09)."""
    return list(dict.fromkeys(f"{year}-{_MONTH_NUMBER[month]:02d}"
                              for month, year in _MONTH_YEAR.findall(fold(text))))


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
            chars.append("l")  # !'U.R.S.S. is l'U.R.S.S.
            offsets.append(index)
            continue
        if ch == "!" and 0 < index < length - 1 and text[index - 1].isalpha() \
                and text[index + 1].isalpha():
            chars.append("l")  # Sneev!iet
            offsets.append(index)
            continue
        if ch == "ï":
            chars.append("i")
            offsets.append(index)
            continue
        if ch in "œŒ":
            chars.extend("oe")
            offsets.extend((index, index))
            continue
        if not ch.isalnum():
            continue
        for piece in strip_accents(ch).lower():
            if piece.isalnum():
                chars.append(piece)
                offsets.append(index)
    return "".join(chars), offsets
