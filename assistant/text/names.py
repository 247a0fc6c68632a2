"""Proper names: which words of a question are names, and a spelling-tolerant key for them.

The letters spell Russian names the French way (Boukharine, Vorochilov), a question may spell
them the English way (Bukharin, Voroshilov); ``name_key`` lets both meet, and turns a few
English place names into the French ones the text uses (Moscow → moscou).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text.calendar import ENGLISH_TO_FRENCH_MONTHS, WEEKDAYS_EN
from assistant.text.fold import fold
from assistant.text.terms import ANSWER_STOPWORDS

_POSSESSIVE = re.compile(r"['’]s$")
# English capitalises months and days; they are dates, not names.
_NOT_NAMES = frozenset(ENGLISH_TO_FRENCH_MONTHS) | frozenset(WEEKDAYS_EN)
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


def proper_names(text: str) -> list[str]:
    """Folded words that look like proper names: capitalised, not a sentence's first word,
    not a stopword (``Qui était Benjamin Stolberg ?`` → benjamin, stolberg)."""
    return list(dict.fromkeys(name for run in name_runs(text) for name in run))


def name_runs(text: str, *, folded: bool = True) -> list[tuple[str, ...]]:
    """The proper names of ``text`` as runs of consecutive names, folded (or as written):
    "What did Trotsky write to Salvador Dali?" → (trotsky,), (salvador, dali). An
    English possessive or a French elision is not part of the name (Dali's, l'Espagne),
    and a possessive ends its name ("Trotsky's Mexico article": trotsky, then mexico)."""
    runs: list[tuple[str, ...]] = []
    for sentence in re.split(r"[.?!;:\n]+", text):
        tokens = re.findall(r"[^\W\d_][\w'’-]*", sentence)
        run: list[str] = []
        for position, token in enumerate(tokens):
            token = token.rstrip("'’")  # a closing quote: 'Walcher' is a name in quotes
            owner = bool(_POSSESSIVE.search(token))
            token = _POSSESSIVE.sub("", token).split("'")[-1].split("’")[-1]
            key = fold(token)
            if (not token or not token[0].isupper() or key in ANSWER_STOPWORDS or len(key) < 2
                    or key in _NOT_NAMES or (position == 0 and key in _SENTENCE_OPENERS)):
                if run:
                    runs.append(tuple(run))
                run = []
                continue
            run.append(key if folded else token)
            if owner:  # "Trotsky's Mexico article": the owner's name ends there
                runs.append(tuple(run))
                run = []
        if run:
            runs.append(tuple(run))
    return runs


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """A spelling-tolerant key for a folded name, so that the French and English
    transliterations of Russian names meet: Boukharine/Bukharin, Vorochilov/Voroshilov,
    Kouïbychev/Kuibyshev, Ordjonikidzé/Ordzhonikidze, Trotski/Trotsky, Moscow/Moscou. An
    initial Cyrillic Е is "Ye" in English and "E" in French (Yezhov/Ejov)."""
    word = EXONYMS.get(word, word)
    for a, b in _TRANSLITERATION:
        word = word.replace(a, b)
    if word.startswith("ie") and len(word) > 4:
        word = word[1:]
    return word[:-1] if len(word) > 4 and word.endswith("e") else word
