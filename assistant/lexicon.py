"""An English→French lexicon for BM25: FreeDict's eng-fra dictionary in dictd format.

Debian's ``dict-freedict-eng-fra`` installs ``/usr/share/dictd/freedict-eng-fra.index`` (one
line per headword: the word, the entry's offset and length in base64) and ``.dict.dz`` (the
entries, dictzip — gzip-compatible — text). An entry reads::

    abandon /əbændən/
    1. abdiquer
    2. abandonner, délaisser, livrer, quitter

``Lexicon.translations(word)`` gives the French words of an English word (the headword found
as written or by stripping a regular ending: "archives" → archive, "hosted" → host). The file is
read once, lazily; without it every lookup is empty and English questions are searched as
written.
"""

from __future__ import annotations

import gzip
import re
import threading
from functools import lru_cache
from pathlib import Path

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DIGIT = {char: value for value, char in enumerate(_BASE64)}
_NUMBERED = re.compile(r"^\s*\d+\.\s*")
# Regular English endings, longest first, with what replaces them ("studies" → study).
_ENDINGS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("es", ""), ("ed", ""),
            ("ed", "e"), ("s", ""), ("d", ""), ("'s", ""))
MAX_TRANSLATIONS = 6


def decode_number(text: str) -> int:
    """dictd's base64 number ('LOB' → offset)."""
    value = 0
    for char in text:
        value = value * 64 + _DIGIT[char]
    return value


def parse_entry(entry: str) -> list[str]:
    """The French translations of one dictd entry, in order (headword line left out)."""
    out: list[str] = []
    for line in entry.splitlines()[1:]:
        line = _NUMBERED.sub("", line).strip()
        for part in line.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


class Lexicon:
    """English headwords → French translations, read from a dictd pair of files."""

    def __init__(self, stem: Path | str | None) -> None:
        """``stem`` is the path without extension ('/usr/share/dictd/freedict-eng-fra')."""
        self.stem = Path(stem) if stem else None
        self._entries: dict[str, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.stem is not None and self.stem.with_suffix(".index").is_file() and \
            self.stem.with_suffix(".dict.dz").is_file()

    def _load(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            if self._entries is None:
                self._entries = read_dictd(self.stem) if self.available else {}
            return self._entries

    def __len__(self) -> int:
        return len(self._load())

    def lookup(self, headword: str) -> tuple[str, ...]:
        return self._load().get(headword.lower(), ())

    def translations(self, word: str) -> tuple[str, ...]:
        """French words for an English word, trying its regular base forms."""
        word = word.lower()
        found = self.lookup(word)
        for ending, replacement in _ENDINGS:
            if found:
                break
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                found = self.lookup(word[: -len(ending)] + replacement)
        return found[:MAX_TRANSLATIONS]


def read_dictd(stem: Path) -> dict[str, tuple[str, ...]]:
    """Every headword of a dictd dictionary with its translations (00database* skipped)."""
    with gzip.open(stem.with_suffix(".dict.dz")) as compressed:
        data = compressed.read()
    entries: dict[str, tuple[str, ...]] = {}
    for line in stem.with_suffix(".index").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0].startswith("00database"):
            continue
        offset, length = decode_number(fields[1]), decode_number(fields[2])
        translations = parse_entry(data[offset: offset + length].decode("utf-8", "replace"))
        key = fields[0].lower()
        entries[key] = tuple(dict.fromkeys(entries.get(key, ()) + tuple(translations)))
    return entries


@lru_cache(maxsize=4)
def load_lexicon(stem: str | None) -> Lexicon:
    """One Lexicon per file (shared by retrievers)."""
    return Lexicon(stem)
