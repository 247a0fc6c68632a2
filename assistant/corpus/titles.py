"""Document titles: join the printed lines, drop the note marker, repair known OCR scrambles."""

from __future__ import annotations

import re
from collections import Counter

from assistant.corpus.metadata import fold
from assistant.corpus.normalise import Vocabulary, normalise_text

_MARKER_PATTERNS = [
    re.compile(r"\s+[1il](?=\s*\]\s*$)"),  # [POUR UN DEBAT PUBLIC 1]
    re.compile(r"(?<=\])\s*(?:[1il]|')\s*$"),  # [LA VENTE DES ARCHIVES] 1, [FAIRE SORTIR ...]'
    re.compile(r"(?<=\S)\s+[1il]\s*$"),  # CRONSTADT 1, EN CHINE i
    re.compile(r"(?<=[^\W\d_]) 1(?= [^\W\d_])"),  # [PAS DE RÉPONSE 1 POUR GALLACHER !]
    re.compile(r"(?<=[^\W\d_])1(?=\s*\]?\s*$)"),  # glued to the last word
    re.compile(r"\s+1(?=\s*\]\s*\S)"),  # [posées par Mme Henriette Célarié 1] (a subtitle)
]

# Title lines the OCR printed out of order (FORMAT §5: 6197, 7776, 10466), keyed by their
# letters in printed order; the value is the title as the book prints it.
SCRAMBLED = {
    "AUSUJETDEDELEONLAMORTSEDOV": "AU SUJET DE LA MORT DE LÉON SEDOV",
    "APRESQUESTIONSLAMORTDESEDOV": "[QUESTIONS APRÈS LA MORT DE SEDOV]",
    "LESPLANSDEMOSCOULESDIPLOMATIQUESVUSATRAVERSPROCES": (
        "LES PLANS DIPLOMATIQUES DE MOSCOU VUS À TRAVERS LES PROCÈS"
    ),
}


def strip_marker(title: str) -> tuple[str, bool]:
    """Remove the title's note marker (``1``, OCR'd ``i`` or ``'``); say whether it was there."""
    for pattern in _MARKER_PATTERNS:
        cleaned, count = pattern.subn("", title, count=1)
        if count:
            return cleaned.strip(), True
    return title.strip(), False


def clean_title(raw: str, vocab: Vocabulary | None = None) -> tuple[str, bool]:
    """``[LA COLLABORATION`` + ``A NEW INTERNATIONAL] 1`` → ``[LA COLLABORATION A NEW
    INTERNATIONAL]``: joined, marker removed, OCR-normalised, brackets kept."""
    text = re.sub(r"\s+", " ", raw).strip()
    text, had_marker = strip_marker(text)
    text = normalise_text(text, vocab if vocab is not None else Vocabulary(Counter()))
    text = re.sub(r"\[\s+", "[", text)
    text = re.sub(r"\s+\]", "]", text)
    text = re.sub(r"\s+,\s+", " ", text)
    text = re.sub(r"(?<=\w)«", " «", text)  # Ma« PHILOSOPHIE» → Ma « PHILOSOPHIE »
    text = re.sub(r"(?<=\w)»", " »", text)
    key = re.sub(r"[^A-Z]", "", fold(text).upper())
    return SCRAMBLED.get(key, text), had_marker
