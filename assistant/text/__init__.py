"""The text module: every fact about words that more than one layer needs, in one place.

- ``fold``: accents, case and OCR misreadings; word tokens; ``squeeze`` for quote matching.
- ``terms``: stopwords, stemming, the answerer's content terms and search's BM25 terms.
- ``names``: proper names in a question and their spelling-tolerant key.
- ``calendar``: French and English month names, dates in words.
- ``describe``: document kinds, people, a document, a set of filters, in words.

Corpus parsing, chunking, search, answering, evaluation and the window all import from here.
"""

from assistant.text.calendar import (
    ENGLISH_TO_FRENCH_MONTHS,
    FOLDED_FRENCH_MONTHS,
    FRENCH_MONTHS,
    MONTH_NUMBERS,
    format_date,
    month_years,
)
from assistant.text.describe import (
    describe_filters,
    document_phrase,
    format_pages,
    kind_label,
    reference,
    short_name,
)
from assistant.text.fold import (
    clean_question,
    fold,
    fold_case,
    squeeze,
    strip_accents,
    words,
    wordset,
    years,
)
from assistant.text.names import name_key, name_runs, proper_names
from assistant.text.terms import (
    ANSWER_STOPWORDS,
    SEARCH_STOPWORDS,
    content_terms,
    search_terms,
    stem,
)

__all__ = [
    "ANSWER_STOPWORDS", "ENGLISH_TO_FRENCH_MONTHS", "FOLDED_FRENCH_MONTHS", "FRENCH_MONTHS",
    "MONTH_NUMBERS", "SEARCH_STOPWORDS", "clean_question", "content_terms", "describe_filters",
    "document_phrase", "fold", "fold_case", "format_date", "format_pages", "kind_label",
    "month_years", "name_key", "name_runs", "proper_names", "reference", "search_terms",
    "short_name", "squeeze", "stem", "strip_accents", "words", "wordset", "years",
]
