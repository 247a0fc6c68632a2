"""Invariants of the whole real corpus, parsed once per session (the ``corpus`` fixture)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from assistant.config import PROJECT_ROOT
from assistant.corpus import load_corpus
from assistant.types import Corpus

TROTSKY = "004_7eda2118eecd96f1.txt"
CORPUS_DIR = PROJECT_ROOT / "corpus"


def _volume(corpus: Corpus):
    return [d for d in corpus.documents if re.fullmatch(r"004-\d{3}", d.id)]


def test_files_and_ids(corpus: Corpus) -> None:
    assert corpus.problems == ()
    assert len(corpus.files) == 5
    ids = [d.id for d in corpus.documents]
    assert len(ids) == len(set(ids))
    assert ids[:4] == ["000-001", "001-001", "002-001", "003-001"]
    assert ids[4:8] == ["004-f01", "004-f02", "004-f03", "004-f04"]
    assert [d.id for d in _volume(corpus)] == [f"004-{n:03d}" for n in range(1, 99)]
    assert ids[-1] == "004-b01"


def test_ninety_eight_documents_in_file_order(corpus: Corpus) -> None:
    documents = _volume(corpus)
    assert len(documents) == 98
    starts = [d.line_start for d in documents]
    assert starts == sorted(starts)
    assert documents[0].line_start == 585 and documents[-1].line_end == 13294
    for previous, following in zip(documents, documents[1:], strict=False):
        assert previous.line_end < following.line_start


def test_front_and_back_matter(corpus: Corpus) -> None:
    kinds = {d.id: (d.kind, d.title) for d in corpus.documents if d.id[4] in "fb"}
    assert kinds == {
        "004-f01": ("front-matter", "AVERTISSEMENT"),
        "004-f02": ("front-matter", "UNE COLLABORATION INTERNATIONALE"),
        "004-f03": ("chronology", "REPERES CHRONOLOGIQUES"),
        "004-f04": ("preface", "PRESENTATION"),
        "004-b01": (
            "back-matter",
            "[ANNEXES] PRINCIPAUX OUVRAGES ET ARTICLES CITÉS OU CONSULTÉS POUR CE VOLUME — ERRATA",
        ),
    }
    chronology = [p.text for p in corpus.get("004-f03").paragraphs]
    assert "16 - France : mort de Léon Sedov." in chronology
    assert [t for t in chronology if t.isupper()] == ["JANVIER", "FÉVRIER", "MARS"]
    # an entry starting a page (167, " - Le S.l. ...") is an entry of its own
    assert any(
        t.startswith("- Le S.l. du mouvement pour la IVe Internationale") for t in chronology
    )
    presentation = corpus.get("004-f04")
    assert (
        presentation.footnote(1).text
        == "On trouvera ce texte dans une nouvelle traduction dans le volume 17."
    )
    assert presentation.footnote(1).marker.line == 330
    assert corpus.get("004-b01").paragraphs[-1].text.startswith("Volume 13, n. 122.")


def test_every_document_dated_within_its_volume(corpus: Corpus) -> None:
    for document in _volume(corpus):
        assert document.date is not None, document.id
        assert "1938-01" <= document.date[:7] <= "1938-03", (document.id, document.date_raw)
        assert document.date_raw.startswith("(")
        assert document.volume == "Œuvres t. 16"
    precisions = Counter(d.date_precision for d in _volume(corpus))
    assert precisions == {"day": 97, "month": 1}  # "(mars 1938)" (12264)
    letters = {d.id: (d.date, d.date_precision, d.date_inferred) for d in corpus.documents[:4]}
    assert letters == {
        "000-001": ("1936-09-03", "day", False),
        "001-001": ("1937-01-16", "day", False),
        "002-001": ("1933-11", "month", True),
        "003-001": ("1925-12", "month", True),
    }


def test_footnotes_numbered_without_gaps(corpus: Corpus) -> None:
    # Except the one unnumbered note of 000, which is numbered as its call in the body ("2").
    for document in corpus.documents:
        numbers = [f.n for f in document.footnotes]
        if document.id == "000-001":
            assert numbers == [2]
            continue
        assert numbers == list(range(1, len(document.footnotes) + 1)), document.id
    notes = sum(len(d.footnotes) for d in _volume(corpus))
    assert notes == 511  # FORMAT §7; two more calls (3951, 9603) lost their note text


def test_every_document_has_its_source_note(corpus: Corpus) -> None:
    for document in _volume(corpus):
        assert document.footnotes, document.id
        assert document.source_note == document.footnote(1).text
    kinds = Counter(d.kind for d in _volume(corpus))
    assert kinds["letter"] >= 55 and kinds["article"] >= 25
    assert kinds["declaration"] == 4 and kinds["telegram"] == 2
    languages = Counter(d.language for d in _volume(corpus))
    assert languages["anglais"] >= 44 and languages["russe"] >= 27 and languages["français"] >= 15


def test_linked_marker_rate(corpus: Corpus) -> None:
    notes = [f for d in _volume(corpus) for f in d.footnotes]
    linked = [f for f in notes if f.marker is not None]
    assert len(linked) / len(notes) >= 0.93
    # the 8 titles printed without a call (FORMAT §5) leave exactly their source notes unlinked
    unlinked_sources = {d.line_start for d in _volume(corpus) if d.footnote(1).marker is None}
    assert unlinked_sources == {3503, 3956, 6035, 6116, 7146, 8094, 11088, 13017}


def test_markers_point_at_a_call_in_the_original_line(corpus: Corpus) -> None:
    lines = (CORPUS_DIR / TROTSKY).read_text(encoding="utf-8").split("\n")
    for document in _volume(corpus):
        for note in document.footnotes:
            if note.marker is None:
                continue
            assert document.line_start <= note.marker.line <= document.line_end
            assert re.search(r"\d|::|=|-'|�|[il']\s*\]?\s*$|\]'", lines[note.marker.line - 1]), (
                document.id,
                note.n,
            )
            paragraph = document.paragraphs[note.marker.paragraph]
            if note.marker.offset == 0:  # a call printed in the title, kept at the start
                assert note.n == 1 and note.marker.paragraph == 0
                assert not paragraph.line_start <= note.marker.line <= paragraph.line_end
            else:
                assert paragraph.line_start <= note.marker.line <= paragraph.line_end
                assert note.marker.offset <= len(paragraph.text)


def test_no_footnote_text_inside_paragraphs(corpus: Corpus) -> None:
    for document in corpus.documents:
        body = "\n".join(p.text for p in document.paragraphs)
        for note in document.footnotes:
            assert note.text[:40] not in body, (document.id, note.n)


def test_paragraphs_start_on_their_original_line(corpus: Corpus) -> None:
    lines = {f: (CORPUS_DIR / f).read_text(encoding="utf-8").split("\n") for f in corpus.files}
    mismatches = []
    for document in corpus.documents:
        for paragraph in document.paragraphs:
            word = re.search(r"[^\W\d_]{3,}", paragraph.text)
            if word and word.group(0) not in lines[document.file][paragraph.line_start - 1]:
                mismatches.append((document.id, paragraph.line_start))
    assert (
        len(mismatches) <= 3
    )  # only where normalisation changed the first word (L ïndex → L'index)


def test_no_running_header_or_page_number_in_the_text(corpus: Corpus) -> None:
    for document in corpus.documents:
        for paragraph in document.paragraphs:
            assert "JANVIER-MARS 1938" not in paragraph.text
            assert not re.fullmatch(r"L[ÉE]ON TROTSKY|\d{1,3}", paragraph.text)


def test_printed_pages_match_cross_references(corpus: Corpus) -> None:
    # "cf. n. 2 p. 38" (3164), "Cf. n. 10, p. 35" (3587), "cf. n. 8 p. 215" (12476)
    assert corpus.get("004-002").footnote(2).page == 38
    assert corpus.get("004-001").footnote(10).page == 35
    sedov = corpus.get("004-058")
    assert sedov.footnote(8).page == 215 and "Ginzberg" in sedov.footnote(8).text
    assert corpus.get("004-001").pages == (33, 37)
    assert corpus.get("004-098").pages[1] == 353


def test_trotsky_metadata(corpus: Corpus) -> None:
    frankel = corpus.get("004-002")
    assert (frankel.recipient, frankel.archive_ref, frankel.language) == (
        "Jan Frankel",
        "8156",
        "anglais",
    )
    assert corpus.get("004-003").paragraphs[0].text == "Cher Camarade Shachtman,"
    telegrams = [d for d in _volume(corpus) if d.kind == "telegram"]
    assert {d.sender for d in telegrams} == {"Natalia Sedova et L. Trotsky"}
    assert {d.sender for d in _volume(corpus)} == {
        "L. Trotsky",
        "Natalia Sedova et L. Trotsky",
        "L. Trotsky et Natalia Sedova",
    }
    untitled = corpus.get("004-061")  # 8094: no title, the newspaper's headline instead
    assert untitled.title.startswith("Trotsky prédit que Krestinsky")
    assert corpus.get("004-048").title == "AU SUJET DE LA MORT DE LÉON SEDOV"


@pytest.mark.parametrize(
    ("doc_id", "sender", "recipient", "signature"),
    [
        ("000-001", "N. Boukharine", "K. Vorochilov", "Boukharine"),
        ("001-001", "N. Boukharine", "Staline", "N. Boukharine"),
        ("002-001", "N. I. Boukharine", "G. K. Ordjonikidzé", "Ton Boukharine"),
        ("003-001", "N. I. Boukharine", "V. V. Kouïbychev", "Ton Boukharine"),
    ],
)
def test_boukharine_letters(
    corpus: Corpus, doc_id: str, sender: str, recipient: str, signature: str
) -> None:
    letter = corpus.get(doc_id)
    assert (letter.kind, letter.sender, letter.recipient) == ("letter", sender, recipient)
    assert letter.volume == "Lettres de Boukharine"
    assert all(p.text.strip() != signature for p in letter.paragraphs)
    assert not any(re.search(r"^\d{1,2}$", p.text) for p in letter.paragraphs)


def test_boukharine_postscripts_stay_in_the_body(corpus: Corpus) -> None:
    letter = corpus.get("001-001")
    assert letter.title == "Brouillon de lettre de Boukharine à Staline"
    texts = [p.text for p in letter.paragraphs]
    assert texts[-1].startswith("PPPS. Mratchkovski")
    assert "Salut d'un correspondant étrange." in texts
    assert any(t.startswith("IV - Sur la logique des questions et des réponses.") for t in texts)
    assert "que je n'étais pas sincère" not in texts[0]


def test_parsing_is_deterministic(corpus: Corpus, settings) -> None:
    again = load_corpus(settings.corpus)
    assert again == corpus


def test_pages_out_of_order_are_read_in_order(corpus: Corpus) -> None:
    # FORMAT §11: lines 10858-10903 belong between 10789 and 10800
    article = corpus.get("004-078")
    text = "\n".join(p.text for p in article.paragraphs)
    assert (
        "la coopération du prolétariat et de la paysannerie; mais l'U.R.S.S. est entourée" in text
    )
    assert "n'auraient pas d'autre issue que de brûler de honte." in text
    moved = next(p for p in article.paragraphs if "de la paysannerie; mais" in p.text)
    assert moved.line_start == 10784 and moved.line_end >= 10858


def test_note_number_read_from_two_glyphs(corpus: Corpus) -> None:
    # "! l." (5683) is note 11 of "RÉVOLUTION ET GUERRE EN CHINE"
    preface = corpus.get("004-038")
    assert preface.kind == "preface" and len(preface.footnotes) == 11
    assert preface.footnote(11).text.startswith("Trotsky emploie toujours le mot de Mikado")
