"""What a question asks for, read once: its language, dates, correspondents, document kinds,
whether it asks for the editor's note, its answer type, its content terms, and whether it is a
request about the previous answer itself ("the whole letter", "its note", "translate it",
"the next letter").

``analyse(text, correspondents)`` returns a frozen ``QuestionAnalysis``. Retrieval turns it into
soft boosts on the units whose document metadata match (never filters: a question naming the
wrong month must still find its answer); the answerer reads the same record. Everything here is
rule-based and general: date grammar of French and English, the corpus's own list of
correspondents matched with the transliteration-tolerant ``name_key`` (Voroshilov meets
Vorochilov), and the vocabulary of document kinds. Nothing depends on an evaluation question.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistant.answer.language import Language, detect_language
from assistant.text import ANSWER_STOPWORDS as STOPWORDS
from assistant.text import content_terms, fold, name_key, name_runs, stem, words, wordset
from assistant.text.calendar import MONTH_NUMBERS
from assistant.text.calendar import MONTHS as _MONTH_NAMES
from assistant.text.describe import kind_words
from assistant.text.names import EXONYMS
from assistant.types import DocumentKind

PreviousRequest = Literal["document", "note", "translation", "next", "before"]
AnswerType = Literal[
    "date", "number", "person", "place", "reason", "yes-no", "list", "description"
]
DatePrecision = Literal["day", "month", "year", "part-of-year"]

# Folded month names, French and English, and the abbreviations a question may use.
MONTHS: dict[str, int] = {
    **MONTH_NUMBERS,
    **{short: n for n, shorts in ((1, ("jan",)), (2, ("feb",)), (4, ("apr",)), (8, ("aug",)),
                                  (9, ("sept", "sep")), (10, ("oct",)), (11, ("nov",)),
                                  (12, ("dec",))) for short in shorts},
}
# Positions in a year, as (first month, last month): "début 1938", "late 1937"; the same
# words place a day in a month ("mi-mars", "in early March", see _MONTH_CUE).
_POSITIONS: dict[str, tuple[int, int]] = {
    "debut": (1, 4), "early": (1, 4), "commencement": (1, 4), "beginning": (1, 4),
    "mi": (5, 8), "mid": (5, 8), "milieu": (5, 8), "middle": (5, 8),
    "fin": (9, 12), "late": (9, 12), "end": (9, 12),
}
# Parts of a year: the positions and the seasons ("spring of 1938").
_PARTS: dict[str, tuple[int, int]] = {
    **_POSITIONS,
    "printemps": (3, 6), "spring": (3, 6), "ete": (6, 9), "summer": (6, 9),
    "automne": (9, 12), "autumn": (9, 12), "fall": (9, 12), "hiver": (1, 3), "winter": (1, 3),
}
# Words that name a kind of document (folded), to the kinds of ``assistant.types``.
KIND_WORDS: dict[str, DocumentKind] = {
    "lettre": "letter", "lettres": "letter", "letter": "letter", "letters": "letter",
    "brouillon": "letter", "draft": "letter", "missive": "letter",
    "article": "article", "articles": "article", "essay": "article",
    "telegramme": "telegram", "telegrammes": "telegram", "telegram": "telegram",
    "telegrams": "telegram", "cable": "telegram", "cables": "telegram", "cablegram": "telegram",
    "interview": "interview", "interviews": "interview", "entretien": "interview",
    "entrevue": "interview",
    "declaration": "declaration", "declarations": "declaration", "statement": "declaration",
    "communique": "declaration",
    "preface": "preface", "prefaces": "preface", "foreword": "preface",
}
# Words that say where to look, not what the answer says: a kind of document, the editor's
# notes, the volume (folded). The answerer does not count them as a question's content: "what
# does the editor's note in Trotsky's volume say of X?" asks about X, and a sentence that
# happens to say "volume" or "lettre" holds nothing of it.
DESIGNATOR_WORDS = frozenset(KIND_WORDS) | {
    "note", "notes", "footnote", "footnotes", "annotation", "annotations", "editeur",
    "editeurs", "editor", "editors", "volume", "volumes", "vol", "tome", "oeuvres", "works",
    "corpus", "document", "documents",
}
# "the editor's note", "d'après la note", "en note", "the footnote".
_NOTE = re.compile(
    r"\b(?:notes?|footnotes?|annotations?|editeurs?|editors?|editoriale?s?|editorial)\b"
)
# The question words that fix what kind of answer is wanted, tried in this order (folded).
_ANSWER_TYPES: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    ("date", re.compile(r"\b(?:quand|when|quelle date|what date|which date|en quelle annee|"
                        r"in what year|which year|what year|quel jour|what day|depuis quand)\b")),
    ("number", re.compile(r"\b(?:combien|how many|how much|quel nombre|what number|"
                          r"quel montant|what amount|quelle somme)\b")),
    ("person", re.compile(r"\b(?:qui|who|whom|whose|a qui|de qui|par qui)\b")),
    ("place", re.compile(r"\b(?:ou|where|dans quel pays|in which country|dans quelle ville|"
                         r"in which city|in what city)\b")),
    ("reason", re.compile(r"\b(?:pourquoi|why|for what reason|pour quelle raison)\b")),
    ("list", re.compile(r"\b(?:lesquels|lesquelles|quels sont|quelles sont|which ones|"
                        r"what are the|name the|list)\b")),
    ("yes-no", re.compile(r"^(?:est[- ]ce que|did|does|do|was|were|is|are|has|have|had|"
                          r"can|could|a-t-il|avait-il)\b")),
)
# Requests about the previous answer itself (folded): its whole document, its note, a
# translation, the document that came next or before. They count only in a question that names no person and no date of its own.
_DOCUMENT_WORDS = (r"(?:lettre|letter|texte|text|document|article|telegramme|telegram|"
                   r"declaration|statement|entretien|interview)")
_PREVIOUS_REQUESTS: tuple[tuple[PreviousRequest, re.Pattern[str]], ...] = (
    ("translation", re.compile(r"\b(?:tradu\w*|translat\w*)\b")),
    ("next", re.compile(
        rf"\b(?:(?:next|following|later|subsequent) (?:{_DOCUMENT_WORDS}|one)|came (?:next|after)"
        rf"|{_DOCUMENT_WORDS} (?:suivante?|d'apres|ulterieure?)|la suivante|le suivant"
        rf"|(?:a|qui a) suivi)\b")),
    ("before", re.compile(
        rf"\b(?:(?:previous|preceding|earlier|prior) (?:{_DOCUMENT_WORDS}|one)|came before"
        rf"|{_DOCUMENT_WORDS} (?:precedente?|d'avant|anterieure?)|la precedente|le precedent"
        rf"|(?:a|qui a) precede)\b")),
    ("document", re.compile(
        rf"\b(?:(?:toute? (?:la |le |l')?|whole |entire |full |complete )(?:\w+ )?{_DOCUMENT_WORDS}"
        rf"|{_DOCUMENT_WORDS} (?:\w+ )?(?:en entier|tout entier|entiere?|complete?|integral\w*|"
        rf"in full|as a whole)|(?:show|montre|montrez|affiche|display|read|lire)\w*\b.{{0,12}}"
        rf"\b(?:this|that|the|cette|la|le|ce|sa|son|l') ?{_DOCUMENT_WORDS}$)")),
    ("note", re.compile(r"^(?:(?:et|and|puis|then)\s+)?(?:(?:que dit|what does|what did|show me|"
                        r"montre(?:-moi|z-moi)?)\s+)?(?:sa|son|ses|cette|la|les|its|this|that|"
                        r"the)\s+(?:editor'?s?\s+|de l'editeur\s+)?notes?\b"
                        r"(?:\s+(?:de l'editeur|say|dit|says))?\s*\??$")),
)
# Words that say what kind of answer is wanted ("on what date", "which year"), not where it
# stands: a lexicon must not translate them into search terms.
_PLACES = frozenset(EXONYMS.values())
_ASKING_WORDS = wordset("date dates year years day days time times month number amount place "
                        "reason name names")
_LANGUAGE_NAMES = wordset("english anglais french francais russian russe german allemand "
                          "spanish espagnol")
_REQUEST_STEMS = frozenset(stem(word) for word in wordset(
    "show montre montrez affiche display read lire voir see whole entire full complete entier "
    "entiere complet complete integral integrale toute tout text texte document please note "
    "notes editeur editor editorial say says dit peux peut pouvez can could me moi next "
    "following later came suivant suivante suivi previous preceding earlier before precedent "
    "precedente avant apres after one ecrit wrote written write"))
_DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d)"
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    re.compile(rf"\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b"),  # 3 septembre 1936, 3 September
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,\s*|\s+){_YEAR}\b"),  # September 3, 1936
    re.compile(rf"\b{_MONTH}(?:,?\s+(?:of\s+|de\s+|d')?{_YEAR})?\b"),  # septembre 1936, in May
)
_PART_OF_YEAR = re.compile(
    r"\b(?P<part>" + "|".join(_PARTS) + r")(?:\s+|-)(?:(?:de\s+|d'|of\s+)(?:l'annee\s+)?)?"
    + _YEAR + r"\b"
)
_BARE_YEAR = re.compile(r"\b" + _YEAR + r"\b")
# "may" is the English modal far more often than the month: only with a day or a year, or
# after a word that only a month follows ("en mars", "mi-mars", "in early March").
_AMBIGUOUS_MONTHS = frozenset({"may", "mars", "march", "dec", "oct", "nov", "jan", "sep",
                               "apr", "aug", "feb", "sept"})
_MONTH_CUE = re.compile(r"\b(?:en|in|courant|" + "|".join(_POSITIONS) + r")(?:\s+de)?[\s-]+$")


@dataclass(frozen=True)
class DateSpan:
    """A date the question names, as the interval of days it covers. ``year`` is None for a
    month without a year ("in February"): it then matches that month of any year."""

    text: str
    precision: DatePrecision
    year: int | None
    first_month: int
    last_month: int
    day: int | None = None

    def interval(self) -> tuple[date, date] | None:
        """First and last day covered (None without a year)."""
        if self.year is None:
            return None
        if self.day is not None:
            day = min(self.day, calendar.monthrange(self.year, self.first_month)[1])
            return date(self.year, self.first_month, day), date(self.year, self.first_month, day)
        last = calendar.monthrange(self.year, self.last_month)[1]
        return date(self.year, self.first_month, 1), date(self.year, self.last_month, last)

    def matches(self, first: date, last: date) -> bool:
        """Does a document dated over [first, last] fall in this span?"""
        interval = self.interval()
        if interval is not None:
            return first <= interval[1] and interval[0] <= last
        months = {(first.year, first.month), (last.year, last.month)}
        return any(self.first_month <= month <= self.last_month for _, month in months)


@dataclass(frozen=True)
class QuestionAnalysis:
    """What one question asks for (see the module docstring)."""

    text: str
    language: Language
    answer_type: AnswerType = "description"
    dates: tuple[DateSpan, ...] = ()
    correspondents: tuple[str, ...] = ()  # as the corpus spells them ("K. Vorochilov")
    names: tuple[str, ...] = ()  # other proper names, folded
    kinds: tuple[DocumentKind, ...] = ()
    wants_note: bool = False
    terms: tuple[str, ...] = ()  # content stems, dates and kind words left out
    content_words: tuple[str, ...] = ()  # the same words unstemmed and folded (for a lexicon)
    about_previous: PreviousRequest | None = None  # "the whole letter", "its note", "translate"

    @property
    def has_hints(self) -> bool:
        """Does the question say where to look (a date, a correspondent, a kind, the note)?"""
        return bool(self.dates or self.correspondents or self.kinds or self.wants_note)


@dataclass(frozen=True)
class Correspondents:
    """The corpus's senders and recipients, found by any word of their names that is not an
    initial (name keys: 'voroshilov' and 'vorochilov' share one)."""

    names: tuple[str, ...]
    by_key: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, names: Iterable[str | None]) -> Correspondents:
        unique = tuple(sorted({name.strip() for name in names if name and name.strip()}))
        by_key: dict[str, list[str]] = {}
        for name in unique:
            for word in words(name):
                # "Ministre de France au Mexique": a place in a recipient is nobody's name.
                if len(word) > 2 and not word.isdigit() and word not in _PLACES:
                    by_key.setdefault(name_key(word), []).append(name)
        return cls(unique, {key: tuple(dict.fromkeys(v)) for key, v in by_key.items()})

    def find(self, key: str) -> tuple[str, ...]:
        return self.by_key.get(key, ())


def analyse(text: str, correspondents: Correspondents | Sequence[str] = (), *,
            language: Language | None = None) -> QuestionAnalysis:
    """Read a question (see the module docstring); ``correspondents`` is the corpus's list."""
    if not isinstance(correspondents, Correspondents):
        correspondents = Correspondents.of(correspondents)
    folded = fold(text)
    dates, date_words = find_dates(folded)
    people, others = _people(text, correspondents)
    kind_words = [word for word in words(text) if word in KIND_WORDS]
    kinds = tuple(dict.fromkeys(KIND_WORDS[word] for word in kind_words))
    skipped = {stem(word) for word in (*date_words, *kind_words)}
    terms = tuple(term for term in dict.fromkeys(content_terms(text)) if term not in skipped)
    plain = tuple(dict.fromkeys(
        word for word in words(text) if len(word) > 2 and not word.isdigit()
        and word not in STOPWORDS and word not in _ASKING_WORDS and stem(word) not in skipped))
    # A question's first word is capitalised: an imperative ("Show", "Montre") is no name.
    named = [run for run in name_runs(text[:1].lower() + text[1:])
             if not set(run) <= _LANGUAGE_NAMES]  # "translate it into English"
    own = not (dates or people or named)
    request = previous_request(folded) if own else None
    if request in ("document", "note", "next", "before") and set(terms) - _REQUEST_STEMS:
        request = None  # "the full text of the constitution" is a question of its own
    return QuestionAnalysis(
        text=text, language=language or detect_language(text), answer_type=answer_type(folded),
        dates=dates, correspondents=people, names=others, kinds=kinds,
        wants_note=bool(_NOTE.search(folded)), terms=terms, content_words=plain,
        about_previous=request,
    )


def previous_request(folded: str) -> PreviousRequest | None:
    """Does a (folded) question ask for the previous answer's whole document, its note, a
    translation of it, or the document that came next or before? (Only meaningful after an
    answer.)"""
    folded = " ".join(folded.replace("’", "'").split()).rstrip(" .!?")
    return next((kind for kind, pattern in _PREVIOUS_REQUESTS if pattern.search(folded)), None)


def answer_type(folded: str) -> AnswerType:
    """The kind of answer a (folded) question wants, by its question words."""
    for kind, pattern in _ANSWER_TYPES:
        if pattern.search(folded):
            return kind
    return "description"


def find_dates(folded: str) -> tuple[tuple[DateSpan, ...], list[str]]:
    """The dates a folded question names, and the words that said them."""
    spans: list[DateSpan] = []
    used: list[tuple[int, int]] = []
    said: list[str] = []

    def free(match: re.Match[str]) -> bool:
        return not any(a < match.end() and match.start() < b for a, b in used)

    for match in _PART_OF_YEAR.finditer(folded):
        first, last = _PARTS[match["part"]]
        spans.append(DateSpan(match[0], "part-of-year", int(match["year"]), first, last))
        used.append(match.span())
        said += [match["part"]]
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            span = _span_of(match) if free(match) else None
            if span is not None:
                spans.append(span)
                used.append(match.span())
                said.append(match["month"])
    for match in _BARE_YEAR.finditer(folded):
        if free(match):
            spans.append(DateSpan(match[0], "year", int(match["year"]), 1, 12))
    return tuple(dict.fromkeys(spans)), said


def _span_of(match: re.Match[str]) -> DateSpan | None:
    groups = match.groupdict()
    month = MONTHS[groups["month"]]
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if groups.get("day") else None
    if day is not None and not 1 <= day <= 31:
        day = None
    if (groups["month"] in _AMBIGUOUS_MONTHS and day is None and year is None
            and not _MONTH_CUE.search(match.string, 0, match.start())):
        return None
    return DateSpan(match[0], "day" if day else "month", year, month, month, day)


def _people(text: str, correspondents: Correspondents) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Correspondents the question names (corpus spelling) and its other proper names."""
    found: list[str] = []
    others: list[str] = []
    for run in name_runs(text):
        matched = False
        for word in run:
            names = correspondents.find(name_key(word))
            if names and not word.isdigit():
                found += names
                matched = True
        if not matched:
            others.append(" ".join(run))
    return tuple(dict.fromkeys(found)), tuple(dict.fromkeys(others))


_WORDING = {
    "fr": {"documents": "documents", "with": "à ou de", "and": "et",
           "notes": "notes de l'éditeur"},
    "en": {"documents": "documents", "with": "to or from", "and": "and",
           "notes": "the editor's notes"},
}


def describe_span(span: DateSpan, language: Language) -> str:
    """A date span in words: '3 septembre 1936', 'September 1936', 'January–April 1938'."""
    months = _MONTH_NAMES[language]
    year = f" {span.year}" if span.year else ""
    if span.day is not None:
        month = months[span.first_month - 1]
        if language == "en":
            return f"{month} {span.day}, {span.year}" if span.year else f"{month} {span.day}"
        return f"{span.day} {month}{year}"
    if span.precision == "year":
        return str(span.year)
    if span.first_month == span.last_month:
        return months[span.first_month - 1] + year
    return f"{months[span.first_month - 1]}–{months[span.last_month - 1]}{year}"


def describe(analysis: QuestionAnalysis, language: Language, *,
             correspondents: Sequence[str] | None = None) -> str | None:
    """What retrieval looks for first, in words ("lettres à ou de K. Vorochilov, septembre
    1936"), or None when the question says nothing about where to look. ``correspondents``
    overrides the analysis's own (e.g. only those that narrow the search)."""
    wording = _WORDING[language]
    people = list(analysis.correspondents if correspondents is None else correspondents)
    kinds = [words.plural for words in (kind_words(kind, language) for kind in analysis.kinds)
             if words is not None and words.with_article and words.plural]
    dates = [describe_span(span, language) for span in analysis.dates]
    parts: list[str] = []
    if kinds or people:
        head = f" {wording['and']} ".join(kinds) or wording["documents"]
        if people:
            head += f" {wording['with']} " + f" {wording['and']} ".join(people)
        parts.append(head)
    parts += dates
    if analysis.wants_note:
        parts.append(wording["notes"])
    return ", ".join(parts) or None
