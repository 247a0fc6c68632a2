"""Chunk invariants on the real corpus, and the packing rules on a hand-built document."""

from __future__ import annotations

import re

import pytest

from assistant.chunking import PARAGRAPH_JOIN, chunk_corpus, chunk_document, count_tokens
from assistant.config import ChunkingSettings
from assistant.text import fold_case as fold
from assistant.types import Chunk, Document, Footnote, Marker, Paragraph


@pytest.fixture(scope="module")
def units(corpus, settings) -> list[Chunk]:
    return chunk_corpus(corpus, settings.chunking, corpus_dir=settings.corpus.dir)


def _spans(doc: Document, chunk: Chunk) -> list[tuple[int, int, int]]:
    """(paragraph, start, end) of each part of a text chunk, found back in the paragraphs."""
    spans = []
    parts = chunk.text.split(PARAGRAPH_JOIN)
    paragraphs = range(chunk.paragraph_start, chunk.paragraph_end + 1)
    assert len(parts) == len(paragraphs), chunk.id
    for index, part in zip(paragraphs, parts, strict=True):
        text = doc.paragraphs[index].text
        start = 0 if index != chunk.paragraph_start else text.find(part)
        assert start >= 0 and text[start : start + len(part)] == part, chunk.id
        spans.append((index, start, start + len(part)))
    return spans


def test_units_are_unique_and_sized(units, settings):
    config = settings.chunking
    assert len({u.id for u in units}) == len(units)
    for unit in units:
        assert unit.tokens == count_tokens(unit.text)
        limit = config.max_tokens if unit.type == "text" else config.footnote_max_tokens
        assert 0 < unit.tokens <= limit, unit.id
        assert unit.embed_text.startswith(unit.header) and unit.embed_text.endswith(unit.text)
        assert unit.header and unit.header not in unit.text
    texts = [u for u in units if u.type == "text"]
    small = [u for u in texts if u.tokens < config.min_tokens]
    # Short chunks only where a document (or its tail before a huge paragraph) is short.
    assert len(small) < len(texts) * 0.1
    assert sum(u.tokens for u in texts) / len(texts) > config.max_tokens * 0.5


def test_text_chunks_stay_inside_their_document_and_cover_every_paragraph(corpus, units):
    by_doc = {}
    for unit in units:
        by_doc.setdefault(unit.doc_id, []).append(unit)
    for doc in corpus.documents:
        covered = {index: [] for index in range(len(doc.paragraphs))}
        for chunk in (u for u in by_doc.get(doc.id, []) if u.type == "text"):
            assert doc.line_start <= chunk.line_start <= chunk.line_end <= doc.line_end, chunk.id
            for index, start, end in _spans(doc, chunk):
                covered[index].append((start, end))
        for index, spans in covered.items():
            text = doc.paragraphs[index].text
            mask = [False] * len(text)
            for start, end in spans:
                mask[start:end] = [True] * (end - start)
            missed = "".join(c for c, seen in zip(text, mask, strict=True) if not seen)
            assert not missed.strip(), (doc.id, index, missed[:80])


def _letters(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalpha())


def test_line_numbers_point_at_the_text_in_the_original_file(units, settings):
    files = {}
    misplaced = []
    for chunk in units:
        lines = files.setdefault(chunk.file, (settings.corpus.dir / chunk.file).read_text(
            encoding="utf-8").split("\n"))
        following = [line for line in lines[chunk.line_start - 1 :][:6] if line.strip()]
        printed = _letters(" ".join(following[:3]))
        start = _letters(chunk.text)
        # Three probes: an OCR fix ("A!eksandr" → "Aleksandr") may change any one of them.
        if not any(start[at : at + 10] in printed for at in (0, 10, 20)):
            misplaced.append(chunk.id)
    # The rest are right but their next printed lines are a title (salutations the OCR put
    # before the title) or a page's notes.
    assert len(misplaced) <= len(units) // 100, misplaced[:20]


def test_markers_stay_with_their_word(corpus, units):
    by_doc = {}
    for unit in units:
        by_doc.setdefault(unit.doc_id, []).append(unit)
    checked = 0
    for doc in corpus.documents:
        for note in doc.footnotes:
            if note.marker is None or note.marker.offset == 0:
                continue  # no marker, or the marker of the title (outside the body)
            text = doc.paragraphs[note.marker.paragraph].text
            word = re.search(r"\S*$", text[: note.marker.offset])
            holders = [c for c in by_doc[doc.id] if c.type == "text" and note.n in c.footnotes]
            assert holders, (doc.id, note.n)
            for chunk in holders:
                inside = [
                    (start, end) for index, start, end in _spans(doc, chunk)
                    if index == note.marker.paragraph
                ]
                assert any(start <= word.start() and note.marker.offset <= end for start, end in inside)
            checked += 1
    assert checked > 350


def test_every_note_has_its_footnote_units(corpus, units):
    notes = {(u.doc_id, u.footnote): [] for u in units if u.type == "footnote"}
    for unit in units:
        if unit.type == "footnote":
            notes[(unit.doc_id, unit.footnote)].append(unit)
    for doc in corpus.documents:
        for note in doc.footnotes:
            if not note.text.strip():
                continue
            parts = notes[(doc.id, note.n)]
            # Parts of a long note follow each other (with a little overlap) and cover it.
            assert note.text.startswith(parts[0].text) and note.text.endswith(parts[-1].text)
            position = 0
            for part in parts:
                found = note.text.find(part.text)
                assert found >= 0 and not note.text[position:found].strip(), (doc.id, note.n)
                position = found + len(part.text)
                assert note.line_start <= part.line_start <= part.line_end <= note.line_end
                assert part.id.startswith(f"{doc.id}:n{note.n}")
    assert sum(len(doc.footnotes) for doc in corpus.documents) > 500


def test_long_notes_split_into_even_parts(units, settings):
    """No part of a split note is a tail of a sentence or two (the Menjinsky note's "Il était
    mort le 10 mai 1934." once stood alone, 24 tokens)."""
    parts: dict[tuple[str, int], list] = {}
    for unit in units:
        if unit.type == "footnote" and "." in unit.id.rsplit(":n", 1)[-1]:
            parts.setdefault((unit.doc_id, unit.footnote), []).append(unit)
    assert len(parts) > 20
    for key, group in parts.items():
        sizes = [u.tokens for u in group]
        assert min(sizes) >= settings.chunking.min_tokens, (key, sizes)
    menjinsky = next(g for g in parts.values() if any("Menjinsky" in u.text for u in g))
    assert any("Menjinsky" in u.text and "10 mai 1934" in u.text for u in menjinsky)


def test_footnote_unit_embeds_the_sentence_of_its_marker(corpus, units):
    stolberg = next(
        u for u in units if u.type == "footnote" and u.footnote == 4 and u.date == "1938-01-02"
    )
    assert "Stolberg" in stolberg.text and stolberg.line_start <= 659 <= stolberg.line_end
    assert "de Stolberg et, en parité, de l'avocat" in stolberg.embed_text
    assert "1938" in stolberg.header


def _document(paragraphs: list[str]) -> Document:
    line, built = 10, []
    for text in paragraphs:
        built.append(Paragraph(text=text, line_start=line, line_end=line + 4, page=40))
        line += 6
    marker = Marker(paragraph=1, offset=paragraphs[1].index("Cannon") + len("Cannon"), line=17)
    note = Footnote(n=1, text="James P. Cannon (1890-1974). " * 30, line_start=200, line_end=206,
                    page=40, marker=marker)
    return Document(id="004-099", file="004_x.txt", line_start=9, line_end=210, kind="letter",
                    title="[ESSAI]", date="1938-03", sender="L. Trotsky", recipient="J. P. Cannon",
                    paragraphs=tuple(built), footnotes=(note,))


def test_packing_rules_on_a_hand_built_document():
    sentence = "Nous avons discuté longuement de la situation en France avec les camarades. "
    doc = _document([sentence * 2, sentence * 3 + "J'ai écrit à Cannon hier. " + sentence * 30,
                     sentence * 2])
    config = ChunkingSettings(max_tokens=120, overlap_tokens=30, min_tokens=20,
                              footnote_max_tokens=64)
    chunks = chunk_document(doc, config)
    text = [c for c in chunks if c.type == "text"]
    notes = [c for c in chunks if c.type == "footnote"]
    assert all(c.tokens <= 120 for c in text)
    # The long middle paragraph is cut between sentences, with an overlap of whole sentences.
    middle = [c for c in text if c.paragraph_start == c.paragraph_end == 1]
    assert len(middle) >= 2 and all(c.text.endswith(".") for c in middle)
    assert middle[1].text.startswith(sentence.strip())
    holders = [c for c in text if c.footnotes == (1,)]
    assert 1 <= len(holders) <= 2 and all("à Cannon hier" in c.text for c in holders)
    # Long notes are split like paragraphs, with numbered ids.
    assert [n.id for n in notes] == [f"004-099:n1.{i}" for i in range(1, len(notes) + 1)]
    assert len(notes) > 1 and all(n.tokens <= 64 for n in notes)
    # ... into parts of about the same size, not full parts and a short tail.
    sizes = [n.tokens for n in notes]
    assert min(sizes) >= 0.5 * max(sizes), sizes
    assert "J'ai écrit à Cannon hier." in notes[0].embed_text
    assert text[0].header == "Lettre — [ESSAI] — mars 1938 — L. Trotsky → J. P. Cannon"
