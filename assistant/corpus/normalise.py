"""Safe OCR normalisation and line joining, checked against the corpus's own vocabulary.

Only fixes that cannot change a correct reading are applied blindly (``!'`` → ``l'``, ``·`` →
``'``, backslash glyphs, a space inside an acronym); the others (``!`` or ``œ`` inside a word,
words split over two lines) are applied only when the result is a word the corpus itself uses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_FIRST_TOKEN = re.compile(r"\s*([^\W\d_]+(?:[-'’][^\W\d_]+)*)")
_LAST_WORD = re.compile(r"([^\W\d_][\w'’-]*)$")
_LETTERS = re.compile(r"[^\W\d_]")

# Backslash glyphs: the OCR read M and W as two characters. Longest first.
_BACKSLASH = [
    ("l\\rU", "MI"),
    ("l\\iI", "M"),
    ("1\\lf", "M"),
    ("1\\1", "M"),
    ("I\\f", "M"),
    ("i\\f", "M"),
    ("l\\f", "M"),
    ("l\\l", "M"),
    ("\\f", "M"),
    ("\\V", "W"),
]
_BACKSLASH_RE = re.compile("|".join(re.escape(glyph) for glyph, _ in _BACKSLASH))
_BACKSLASH_MAP = dict(_BACKSLASH)

# (trigger, pattern, replacement): a fix runs only when its trigger character is present.
_SAFE_FIXES = [
    ("!", re.compile(r"(?<![\w!])!'"), "l'"),  # !'U.R.S.S. → l'U.R.S.S.
    ("·", re.compile(r"(?<=\w) ?·(?=\w)"), "'"),  # s·agit → s'agit, n ·a → n'a
    (
        "ï",
        re.compile(r"\b(qu|[lLdDsSjJnNmMtTcC]|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)ï(?=[a-zà-ÿ!])"),
        r"\1'i",
    ),
    ("ï", re.compile(r"\b([lLdD]) ï(?=[a-zà-ÿ])"), r"\1'i"),  # L ïndex → L'index
    ("\\", re.compile(r"(?<=\w)\\'(?!\w)"), "v"),  # Kamene\' → Kamenev
    ("\\", re.compile(r"(?<!\w)\\'(?=\w)"), "l'"),  # \'article → l'article
    (">", re.compile(r">>"), "»"),
    ("<", re.compile(r"<<"), "«"),
]
_SPLIT_APOSTROPHE = re.compile(r"\b([cdjlmnst]|qu) '(?=[a-zà-ÿ])")  # s 'était → s'était
_SPACED_ACRONYM = re.compile(r"\b[A-Z](?: ?\. ?[A-Z]\b)+(?: ?\.)?")
_BANG_WORD = re.compile(r"[^\W\d_]*!(?:[^\W\d_]|!)*[^\W\d_]+|[^\W\d_]+!(?=[^\W\d_])[^\W\d_]*")
_BANG_DIGITS = re.compile(r"(?<![\w!])!(?=\d)|(?<=\d)!(?=\d)")
_M_GLYPH_WORD = re.compile(r"\w*(?:1Vi|JW)\w*")
_OE_WORD = re.compile(r"\b[^\W\d_]*œ[^\W\d_]*\b")
_MAYBE_SPLIT = re.compile(r"\b[A-Z]{1,2} [A-Za-z]")
_SPLIT_CAPS = re.compile(r"\b([A-Z]{1,5}) ([B-DF-HJ-NP-TV-XZ]) ([A-Z]{2,8})\b")
_SPLIT_CAPS2 = re.compile(r"\b([A-Z]{2}) ([A-Z]{3,})\b")
_SPLIT_INITIAL = re.compile(r"\b([B-DF-HJ-NP-TV-XZ]) ([a-zà-ÿ]{3,})\b")


class Vocabulary:
    """Words the corpus spells whole somewhere (lower-cased), with counts."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts

    @classmethod
    def from_lines(cls, lines: list[str]) -> Vocabulary:
        """Count every word, then take back the pieces at open line ends (``gouverne`` /
        ``ments``): only words seen whole count."""
        joined = "\n".join(lines)
        counts: Counter[str] = Counter(WORD.findall(joined.lower()))
        previous_open = False
        for line in lines:
            stripped = line.rstrip()
            if not stripped:
                continue
            open_end = (not line.endswith(" ") and stripped[-1].isalpha()) or stripped.endswith("-")
            if previous_open or line.startswith(" "):
                first = _FIRST_TOKEN.match(line.lower())
                if first:
                    counts[first.group(1)] -= 1
            if open_end:
                last = _LAST_WORD.search(stripped.rstrip("-")[-80:].lower())
                if last:
                    counts[last.group(1)] -= 1
            previous_open = open_end
        counts = Counter({word: n for word, n in counts.items() if n > 0})
        counts.update(m.lower() for m in re.findall(r"\b(?:[A-Z]\.){2,}", joined))
        return cls(counts)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.counts

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def is_word(self, piece: str) -> bool:
        """A piece is a word on its own: a number, or a word the corpus uses (after elision)."""
        if not piece:
            return False
        if piece.isdigit():
            return True
        return _tail(piece).lower() in self.counts


def _tail(word: str) -> str:
    """``l'expé`` → ``expé``: the part after an elided article."""
    for mark in ("'", "’"):
        if mark in word:
            word = word.rsplit(mark, 1)[1]
    return word


def normalise_text(text: str, vocab: Vocabulary) -> str:
    """Apply the safe OCR fixes and the vocabulary-checked ones to a piece of a line."""
    if not text:
        return text
    if "\\" in text:
        text = _BACKSLASH_RE.sub(lambda m: _BACKSLASH_MAP[m.group(0)], text)
    for trigger, pattern, replacement in _SAFE_FIXES:
        if trigger in text:
            text = pattern.sub(replacement, text)
    if " '" in text:
        text = _SPLIT_APOSTROPHE.sub(r"\1'", text)
    if "." in text:
        text = _SPACED_ACRONYM.sub(lambda m: _compact_acronym(m.group(0), vocab), text)
    if "!" in text:
        text = _BANG_DIGITS.sub("1", text)
        text = _BANG_WORD.sub(lambda m: _fix_bang(m.group(0), vocab), text)
    if "œ" in text:
        text = _OE_WORD.sub(lambda m: _fix_oe(m.group(0), vocab), text)
    if "1Vi" in text or "JW" in text:
        text = _M_GLYPH_WORD.sub(lambda m: _fix_m_glyph(m.group(0), vocab), text)
    if _MAYBE_SPLIT.search(text):
        text = _rejoin_split_capitals(text, vocab)
    return text


def _compact_acronym(run: str, vocab: Vocabulary) -> str:
    """``G. P. U.`` → ``G.P.U.`` and ``U .R.S.S.`` → ``U.R.S.S.``, but ``J. P. Cannon`` stays.

    The run may have swallowed the next sentence's first letter (``U.R.S.S. A la``): then the
    shorter run is tried too.
    """
    candidates = [run]
    shorter = re.match(r"(.*\.)( ?[A-Z])$", run)
    if shorter:
        candidates.append(shorter.group(1))
    for candidate in candidates:
        compact = candidate.replace(" ", "")
        letters = sum(c.isalpha() for c in compact)
        if " ." in candidate or (letters >= 3 and vocab.count(compact) >= 2):
            return compact + run[len(candidate) :]
    return run


def _fix_bang(word: str, vocab: Vocabulary) -> str:
    """``Sneev!iet`` → ``Sneevliet`` and ``!a`` → ``la`` when the corpus knows the word."""
    for letter in ("l", "I"):
        candidate = word.replace("!", letter)
        if candidate in vocab or candidate.lower() in vocab:
            return candidate
    return word


def _fix_oe(word: str, vocab: Vocabulary) -> str:
    """``Lettœ`` → ``Lettre`` when the corpus spells ``Lettre`` more often (``cœur`` stays)."""
    candidate = word.replace("œ", "re")
    return candidate if vocab.count(candidate) > vocab.count(word) else word


def _fix_m_glyph(word: str, vocab: Vocabulary) -> str:
    """``TESTA1ViENT`` → ``TESTAMENT``, ``DIPLOJWATIQUES`` → ``DIPLOMATIQUES`` if known."""
    candidate = word.replace("1Vi", "M").replace("JW", "M")
    return candidate if candidate in vocab else word


def _rejoin_split_capitals(text: str, vocab: Vocabulary) -> str:
    """``TRA V AIL`` → ``TRAVAIL``, ``ST ALINE`` → ``STALINE``, ``W alker`` → ``Walker``."""

    def join(match: re.Match[str]) -> str:
        parts = match.groups()
        joined = vocab.count("".join(parts))
        if len(parts) == 3 or len(parts[0]) == 1:
            # A lone consonant (TRA V AIL, W alker) is no word: the joined word need only exist.
            return "".join(parts) if joined else match.group(0)
        # The broken pieces occur too (ST ALINE): the whole word must be the commoner reading.
        if joined >= 2 and joined > max(vocab.count(part) for part in parts):
            return "".join(parts)
        return match.group(0)

    text = _SPLIT_CAPS.sub(join, text)
    text = _SPLIT_CAPS2.sub(join, text)
    return _SPLIT_INITIAL.sub(join, text)


_FIRST_WORD = re.compile(r"^([^\W\d_][\w'’-]*)")
_NO_SPACE_BEFORE = ".,)]…"
# Endings that begin a line only when a word was broken before them (collabora / trice).
_SUFFIX_PIECE = re.compile(
    r"^[a-zéè]{0,4}(?:tion|tions|sion|sions|ments?|nelles?|nels?|trices?|teurs?|toires?|"
    r"raient|rait|bilités?|breuses?|breux|euses?|istes?|ismes?|ités?|nons)$"
)


def join_separator(
    left: str, right: str, vocab: Vocabulary, *, left_complete: bool
) -> tuple[str, str]:
    """How to join the end of one printed line to the start of the next.

    ``left_complete`` says the left line ended with a trailing space (or a removed marker), so its
    last word is whole. Returns ``(left, separator)``: ``left`` may lose a line-end hyphen.
    The rule (FORMAT §10): join two pieces only when the joined word is in the vocabulary, or when
    neither piece is a word on its own; a lost compound hyphen (``vis-à`` / ``vis``) is restored.
    """
    left = left.rstrip()
    right = right.lstrip()
    if not left or not right:
        return left, ""
    if right[0] in _NO_SPACE_BEFORE:
        return left, ""
    if left_complete and not left.endswith("-"):
        return left, " "
    if not _LETTERS.match(right[0]):
        if left.endswith("-") and not left_complete:
            return left, ""
        return left, " "
    first = _FIRST_WORD.match(right)
    right_word = first.group(1).rstrip("-") if first else ""
    right_head = re.split(r"[-'’]", right_word)[0]
    if left.endswith("-"):
        stem = _last_word(left[:-1])
        if not stem:
            return left, " " if left_complete else ""
        if _tail(stem + right_head) in vocab:
            return left[:-1], ""
        if f"{_tail(stem)}-{right_word}".lower() in vocab.counts:
            return left, ""  # a compound: Etats-Unis, peut-il
        if right_head[:1].islower() and not (vocab.is_word(stem) or vocab.is_word(right_head)):
            return left[:-1], ""  # expé- / rience: neither piece is a word
        return left, ""
    last = _last_word(left)
    if not last or not _LETTERS.search(left[-1]):
        return left, " "
    if f"{_tail(last)}-{right_word}".lower() in vocab.counts:
        return left, "-"
    if _tail(last + right_head) in vocab:
        return left, ""
    if (
        right_head[:1].islower()
        and _SUFFIX_PIECE.match(right_head)
        and not vocab.is_word(right_head)
    ):
        return left, ""  # sensation / nelle: an unknown word ending, not a word of its own
    if vocab.is_word(last) or vocab.is_word(right_head):
        return left, " "
    return left, ""


def _last_word(text: str) -> str:
    match = _LAST_WORD.search(text[-80:])
    return match.group(1) if match else ""


def join_lines(lines: Iterable[tuple[str, bool]], vocab: Vocabulary) -> str:
    """Join printed lines ``(text, ended_with_space)`` into one normalised string."""
    text = ""
    complete = True
    for piece, ended_with_space in lines:
        piece = piece.strip()
        if not piece:
            continue
        if text:
            text, separator = join_separator(text, piece, vocab, left_complete=complete)
            text = text + separator + piece
        else:
            text = piece
        complete = ended_with_space
    return text
