"""What a printed volume is, as its front matter and running headers give it.

A reference needs the edition (author, title, volume number, editor, publisher, year); the
parser keeps only ``Document.volume`` ('Œuvres t. 16'), so the rest is read here from the
volume's front-matter documents. What the front matter does not say (this volume's front
matter names no publisher and no year) stays ``None``: a reference never invents a fact.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.types import Corpus, Document

# "Œuvres t. 16" → title "Œuvres", volume "16".
_VOLUME = re.compile(r"^(?P<title>.+?),?\s+t(?:ome|\.)\s*(?P<number>\d+)\s*$")
# "L'introduction et les notes sont de Pierre Broué." (AVERTISSEMENT): who edited the volume.
_EDITOR = re.compile(
    r"\bles notes sont (?:de|dues à)\s+(?P<name>{name}(?:\s+{name}){{0,3}})".format(
        name=r"(?:[A-ZÉ]\.|[A-ZÉ][\w'-]+)")
)
# "Paris, Institut Léon Trotsky, 1985" or "© 1985 Éditeur": a printed imprint, when present.
_IMPRINT = re.compile(
    r"(?P<place>Paris|Grenoble|Lyon|Genève|Bruxelles)\s*,\s*(?P<publisher>[A-ZÉ][^,\n]{2,60}?)"
    r"\s*,\s*(?P<year>19\d\d|20\d\d)\b"
)
_COPYRIGHT = re.compile(r"©\s*(?P<year>19\d\d|20\d\d)\s*,?\s*(?P<publisher>[A-ZÉ][^,.\n]{2,60})")


@dataclass(frozen=True)
class Edition:
    """The printed volume a document belongs to (fields the corpus does not give are None)."""

    name: str  # Document.volume, e.g. 'Œuvres t. 16'
    title: str  # 'Œuvres'
    volume: str | None = None  # '16'
    author: str | None = None  # the volume's author: most documents' sender
    editor: str | None = None
    publisher: str | None = None
    place: str | None = None
    year: str | None = None

    @property
    def label(self) -> str:
        """'L. Trotsky, Œuvres, t. 16, éd. P. Broué' as a reader writes it (no invented parts)."""
        parts = [self.title + (f", t. {self.volume}" if self.volume else "")]
        if self.editor:
            parts.append(f"éd. {self.editor}")
        parts += [part for part in (self.place, self.publisher, self.year) if part]
        return ", ".join(parts)


def editions(corpus: Corpus) -> dict[str, Edition]:
    """The edition of every corpus file, keyed by file name."""
    by_file: dict[str, list[Document]] = {}
    for document in corpus.documents:
        by_file.setdefault(document.file, []).append(document)
    return {file: edition_of(documents) for file, documents in by_file.items()}


_CACHE: dict[int, tuple[Corpus, dict[str, Edition]]] = {}


def editions_of(corpus: Corpus) -> dict[str, Edition]:
    """``editions(corpus)``, computed once per corpus object (the window asks per citation)."""
    cached = _CACHE.get(id(corpus))
    if cached is None or cached[0] is not corpus:
        _CACHE.clear()
        cached = _CACHE[id(corpus)] = (corpus, editions(corpus))
    return cached[1]


def edition_of(documents: list[Document]) -> Edition:
    """The edition of the documents of one file (its front matter read for editor and imprint)."""
    name = next((d.volume for d in documents if d.volume), "")
    match = _VOLUME.match(name)
    title, number = (match.group("title"), match.group("number")) if match else (name, None)
    senders = Counter(d.sender for d in documents if d.sender and d.kind != "front-matter")
    author = senders.most_common(1)[0][0] if senders else None
    front = " ".join(p.text for d in documents if d.kind == "front-matter" for p in d.paragraphs)
    editor = _EDITOR.search(front)
    imprint = _IMPRINT.search(front)
    copyright_ = _COPYRIGHT.search(front)
    publisher = year = place = None
    if imprint:
        place, publisher, year = imprint.group("place", "publisher", "year")
    elif copyright_:
        publisher, year = copyright_.group("publisher", "year")
    return Edition(name=name, title=title or "", volume=number, author=author,
                   editor=editor.group("name") if editor else None,
                   publisher=publisher, place=place, year=year)
