"""Document metadata: dates, titles, salutations and the editor's source note.

Everything here is a pure function of printed text, so each rule has a table-driven test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import fold_case as fold
from assistant.text.calendar import FRENCH_MONTH_NUMBERS, french_month_pattern

MONTHS = FRENCH_MONTH_NUMBERS  # folded French month name → 1–12
_MONTH_RE = french_month_pattern(ocr_tolerant=True)  # f.vrier: a misread accent
# "(5 janvier 1938)", "( 5 janvier 1938)", "(l °' février 1938)", "(1 l mars l 938)",
# "( 17 janvier" (cut off), "(mars 1938)", "(6 mars 1938 - 5 heures du matin)", "[novembre 1933]".
DATE_LINE = re.compile(
    rf"^\s*[(\[]\s*(?P<body>[^()\[\]]{{0,14}}?(?:{_MONTH_RE})\b[^()\[\]]{{0,36}}?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)
PLAIN_DATE = re.compile(
    rf"^\s*(?P<body>(?:\d{{1,2}}(?:er)?\s+)?(?:{_MONTH_RE})\s+\d{{4}})\s*$", re.IGNORECASE
)
_OCR_DIGITS = str.maketrans({"l": "1", "I": "1", "i": "1", "!": "1", "O": "0", "o": "0", "ï": "7"})
SALUTATION = re.compile(
    r"^(?:(?:Mon|Ma)\s+(?:bien\s+)?)?(?:[Cc]her|[Cc]hère|[Cc]hers|[Cc]hères)\s.{0,40}$"
    r"|^(?:Madame|Monsieur|Mademoiselle|Messieurs)\b.{0,30}$"
)
_GENERIC_ADDRESS = {"ami", "amie", "amis", "camarade", "camarades", "monsieur", "madame", ""}

KIND_WORDS = [
    (re.compile(r"^Lettres?\b|^Lettœ\b"), "letter"),
    (re.compile(r"^Article\b"), "article"),
    (re.compile(r"^D.claration\b"), "declaration"),
    (re.compile(r"^T.l.gramme\b"), "telegram"),
    (re.compile(r"^Interview\b"), "interview"),
    (re.compile(r"^Pr.face\b"), "preface"),
]


@dataclass(frozen=True)
class DateInfo:
    date: str | None
    precision: str  # "day", "month", "year" or "unknown"
    inferred: bool
    raw: str

    def fields(self) -> dict:
        """The Document fields this date fills."""
        return {"date": self.date, "date_raw": self.raw, "date_precision": self.precision,
                "date_inferred": self.inferred}


def is_date_line(line: str) -> bool:
    text = line.strip()
    return 6 <= len(text) <= 45 and (
        DATE_LINE.match(text) is not None or PLAIN_DATE.match(text) is not None
    )


def parse_date(raw: str, default_year: int | None = None) -> DateInfo:
    """Parse a printed date line, OCR digits included, into ISO with its precision.

    ``default_year`` completes a date whose year was cut off (``( 17 janvier``).
    """
    text = raw.strip()
    inferred = text.startswith("[")
    body = text.strip("()[] ")
    month_match = re.search(_MONTH_RE, body, re.IGNORECASE)
    if not month_match:
        return DateInfo(None, "unknown", inferred, text)
    month = MONTHS.get(fold(month_match.group(0)).replace("?", ""))
    if month is None:
        month = next(
            (n for name, n in MONTHS.items() if fold(month_match.group(0))[:3] == name[:3]), None
        )
    day_part = body[: month_match.start()]
    year_part = body[month_match.end() :]
    year = _year(year_part) or default_year
    if year is None or month is None:
        return DateInfo(None, "unknown", inferred, text)
    before = re.search(r"\bavant\b|\bvers\b|\bapr[eè]s\b", day_part, re.IGNORECASE)
    day = None if before else _day(day_part)
    if day is None:
        return DateInfo(f"{year:04d}-{month:02d}", "month", inferred, text)
    return DateInfo(f"{year:04d}-{month:02d}-{day:02d}", "day", inferred, text)


def _day(text: str) -> int | None:
    text = (
        re.sub(r"(?:1\s?er|l\s?er|°'?|er)\b", "1", text.strip())
        if re.search(r"er\b|°", text)
        else text
    )
    digits = re.sub(r"\s", "", text).translate(_OCR_DIGITS)
    digits = re.sub(r"\D", "", digits)
    if not digits:
        return None
    value = int(digits[:2])
    return value if 1 <= value <= 31 else None


def _year(text: str) -> int | None:
    head = re.split(r"\s[-–]\s|,", text.strip())[0]
    digits = re.sub(r"\s", "", head).translate(_OCR_DIGITS)
    match = re.match(r"(\d{4})", digits)
    return int(match.group(1)) if match else None


def is_salutation(line: str) -> bool:
    text = line.strip()
    return len(text) <= 50 and SALUTATION.match(text) is not None


def salutation_name(line: str) -> str | None:
    """``Cher Camarade Van 2,`` → ``Van``; generic addresses (``Cher Ami,``) give None."""
    text = re.sub(r"\s*(?:\d{1,2}|::|=|•)?\s*[,.;:•=]*\s*$", "", line.strip())
    text = re.sub(
        r"^(?:(?:Mon|Ma)\s+(?:bien\s+)?)?(?:Cher|Chère|Chers|Chères)\s+", "", text, flags=re.I
    )
    text = re.sub(
        r"^(?:Camarades?|camarades?|M\.|monsieur|Monsieur|Madame|Mademoiselle)\s+", "", text
    )
    text = re.sub(r"\s+", " ", text).strip(" ,.;")
    if fold(text) in _GENERIC_ADDRESS or fold(text).startswith(("ami", "camarade")):
        return None
    return text or None


@dataclass(frozen=True)
class SourceInfo:
    kind: str
    recipient: str | None
    archive_ref: str | None
    language: str | None
    sender: str | None


_ARCHIVE = re.compile(
    r"[(\[{]\s*(?P<t>[TiI]\s*)?(?P<num>[0-9l!iIO]{3,5}(?:-\d)?(?:\s?[a-z]\b)?)\s*[)}\]]"
)
_ARCHIVE_OPEN = re.compile(r"\biT\s*(?P<num>\d{4}(?:-\d)?)\)")
_RECIPIENT = re.compile(
    r"^(?:Lettres?|Lettre ouverte|Télégramme|Note|Message)\b[^à]{0,60}?"
    r"(?<!dictée )(?<!directement )(?:\bà|\bau|\baux|:i)\s+(?P<who>[^()]+)"
    r"|\badress[ée]+s?\s+(?:à|au|aux)\s+(?P<addressee>[^()]+)"
)
_RECIPIENT_STOP = re.compile(
    r",?\s+(?:traduite?s?|en français|dictée|avec la|jamais|en russe|tenu|sous|qui|\()"
    r"|,\s*(?:\(|$)"
)
_SECRETARIAT = re.compile(r"^S\.\s?[ILl1]\.?$")  # S.I., the International Secretariat
_LANGUAGE_PATTERNS = [
    ("anglais", re.compile(r"[a-zü]?n[gq][li1!]ais")),
    ("russe", re.compile(r"\bru[,.]?s[sc]?[ce]\b")),
    ("castillan", re.compile(r"castill?an")),
    ("espagnol", re.compile(r"espagnol")),
    ("allemand", re.compile(r"allemand")),
    ("français", re.compile(r"fran[cç]ais")),
]


def parse_source_note(text: str) -> SourceInfo:
    """Kind, recipient, archive reference, original language and sender from note 1."""
    text = re.sub(r"\s+", " ", text).strip()
    kind = next((k for pattern, k in KIND_WORDS if pattern.search(text)), "other")
    return SourceInfo(kind, _recipient(text), _archive_ref(text), _language(text), _sender(text))


def _recipient(text: str) -> str | None:
    match = _RECIPIENT.match(text) or _RECIPIENT.search(text)
    if not match:
        return None
    group = "who" if match.group("who") else "addressee"
    if re.search(r"dictée[^,]{0,30}$", text[: match.start(group)]):
        return None
    who = _RECIPIENT_STOP.split(match.group(group), maxsplit=1)[0]
    who = re.sub(r"\s+", " ", who).strip(" ,.;[]")
    if _SECRETARIAT.match(who):
        return "S.I."
    return who or None


def _archive_ref(text: str) -> str | None:
    # The call number comes before the permission and the commentary that follows.
    head = re.split(r"avec la permission|Houghton", text, maxsplit=1)[0]
    for match in _ARCHIVE.finditer(head):
        number = match.group("num").translate(_OCR_DIGITS)
        if not re.match(r"\d{3,5}", number):
            continue
        prefix = "T " if match.group("t") else ""
        return prefix + number
    match = _ARCHIVE_OPEN.search(text)
    if match:
        return "T " + match.group("num")
    match = re.search(r"\((Archives [^)]*)\)", text)
    return match.group(1).strip() if match else None


def _language(text: str) -> str | None:
    """``traduite de l'anglais`` → anglais (OCR'd: ``i'ünglais``, ``ru,sc``); ``en français``."""
    lowered = text.lower()
    translated = re.search(r"tradu\w*(?P<after>.{0,40})", lowered)
    if translated:
        after = translated.group("after")
        found = [
            (m.start(), name)
            for name, p in _LANGUAGE_PATTERNS
            if name != "français" and (m := p.search(after))
        ]
        if found:
            return min(found)[1]
    original = re.search(r"original (?:en|du) (\w+)", lowered)
    if original:
        return next((name for name, p in _LANGUAGE_PATTERNS if p.search(original.group(1))), None)
    # "en français", "(T 4272) en russe", "d'après le texte anglais publié".
    for written in re.finditer(r"(?:\b[eé]n|\bdictée en|\bdictée directement en|"
                               r"d'après le texte) (\w+)", lowered):
        name = next((name for name, p in _LANGUAGE_PATTERNS if p.fullmatch(written.group(1))),
                    None)
        if name:
            return name
    return None


def _sender(text: str) -> str | None:
    match = re.match(r"^Lettres? de (?P<who>.+?) à ", text)
    if not match:
        return None
    who = match.group("who")
    if "natalia" in fold(who):
        return "L. Trotsky et Natalia Sedova"
    return who
