"""Parse short real excerpts copied from the corpus (tests/fixtures/corpus/).

``004_sur_le_defaitisme.txt`` is lines 585-783 of file 004 (line n of the corpus is line
n - 584 here); ``004_variants.txt`` strings together eight documents with the awkward layouts;
the Boukharine files are copies of 000 and 003.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus import parse_file
from assistant.types import Document

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
DEFAITISME_OFFSET = 584


@pytest.fixture(scope="module")
def defaitisme() -> Document:
    documents, problems = parse_file(FIXTURES / "004_sur_le_defaitisme.txt")
    assert problems == []
    assert [d.id for d in documents] == ["004-001"]
    return documents[0]


@pytest.fixture(scope="module")
def variants() -> dict[str, Document]:
    documents, problems = parse_file(FIXTURES / "004_variants.txt")
    assert problems == []
    return {d.title: d for d in documents}


def _line(corpus_line: int) -> int:
    return corpus_line - DEFAITISME_OFFSET


def test_heading_and_metadata(defaitisme: Document) -> None:
    d = defaitisme
    assert (d.title, d.title_editorial) == ("[SUR LE DÉFAITISME]", True)
    assert (d.date, d.date_raw, d.date_precision) == ("1938-01-02", "(2 janvier 1938)", "day")
    assert (d.kind, d.sender, d.recipient) == ("letter", "L. Trotsky", "J. van Heijenoort")
    assert (d.archive_ref, d.language) == ("T 4260", "français")
    assert d.source_note.startswith("Lettre en français (T 4260)")
    assert (d.line_start, d.line_end) == (1, _line(783))


def test_salutation_is_the_first_paragraph_without_its_marker(defaitisme: Document) -> None:
    first = defaitisme.paragraphs[0]
    assert first.text == "Cher Camarade Van,"
    assert defaitisme.footnote(2).marker.paragraph == 0
    assert first.text[: defaitisme.footnote(2).marker.offset] == "Cher Camarade Van"


def test_footnotes_numbered_in_order_with_their_lines(defaitisme: Document) -> None:
    notes = defaitisme.footnotes
    assert [n.n for n in notes] == list(range(1, 14))
    assert (notes[0].line_start, notes[0].line_end) == (_line(603), _line(604))
    assert notes[0].text == (
        "Lettre en français (T 4260) à J. van Heijenoort, avec la permission de la Houghton Library."
    )
    # "1 1." OCR'd for 11 (762)
    assert defaitisme.footnote(11).line_start == _line(762)
    assert defaitisme.footnote(11).text.startswith("Vereeken était un de ceux")


def test_page_break_inside_a_word_is_rejoined(defaitisme: Document) -> None:
    # "l'expé-" (657) ... notes ... " rience" (678)
    paragraph = next(
        p for p in defaitisme.paragraphs if "l'expérience de ces dernières années" in p.text
    )
    assert paragraph.line_start == _line(647) and paragraph.line_end >= _line(678)
    assert "Vereeken (1898-1978)" not in paragraph.text


def test_note_continued_on_the_next_page_is_one_note(defaitisme: Document) -> None:
    note = defaitisme.footnote(7)
    assert (note.line_start, note.line_end) == (_line(670), _line(713))
    assert note.text.endswith("grèves, sabotage » (ibidem, p. 68).")
    assert "ne sera pas différente de celle d'un prolétariat" in note.text
    note10 = defaitisme.footnote(10)
    assert note10.text.endswith("politique néerlandaise opportuniste de Snecvliet.")


def test_markers_removed_but_kept(defaitisme: Document) -> None:
    texts = [p.text for p in defaitisme.paragraphs]
    assert "Je n'ai même pas ici un exemplaire du Case of Leon Trostsy." in texts
    call = defaitisme.footnote(3).marker
    assert call.line == _line(590)
    assert texts[call.paragraph][: call.offset].endswith("Case of Leon Trostsy")
    # the call at the start of a page (626 "Finerty 4" / ". Il est facile")
    call = defaitisme.footnote(4).marker
    assert call.line == _line(626)
    assert texts[call.paragraph][call.offset - 7 : call.offset + 2] == "Finerty. "
    # "Craipeau 5•": the bullet is the full stop
    assert "contre Craipeau. Je n'ai pour l'instant rien à y ajouter." in texts[call.paragraph]
    # the title's call: stored at the start of the document, on the title's line
    assert defaitisme.footnote(1).marker.model_dump() == {"paragraph": 0, "offset": 0, "line": 1}
    # false markers stay: "IVe", "la ive Internationale"
    assert any("la IVe Internationale" in t for t in texts)


def test_no_note_text_in_the_body(defaitisme: Document) -> None:
    body = " ".join(p.text for p in defaitisme.paragraphs)
    for note in defaitisme.footnotes:
        assert note.text[:40] not in body


@pytest.mark.parametrize(
    ("title", "date", "notes", "first_paragraph"),
    [
        ("[POUR UN DEBAT PUBLIC]", "1938-01-17", 2, "Cher M. Wendelin Thomas,"),
        ("[PAS DE RÉPONSE POUR GALLACHER !]", "1938-01-17", 3, "Cher monsieur Hughes,"),
        (
            "[QUE FAIRE POUR CHEN DUXIU]",
            "1938-01-17",
            3,
            "La proposition du camarade Frank [Glass]",
        ),
        ("[JE SUIS TRES OPTIMISTE]", "1938-01-17", 4, "Cher Camarade Schwind."),
        ("[LES DROITS SUR LES ARCHIVES]", "1938-01-30", 2, "Cher ami,"),
        ("[LA PROPOSITION LUDLOW]", "1938-02-01", 4, "Cher Camarade Cannon,"),
        ("COURAGE", "1938-02-18", 1, "COURAGE PETITE JEANNE MEMOIRE LIOVIK"),
        ("AU SUJET DE LA MORT DE LÉON SEDOV", "1938-02-18", 3, "La blessure est encore trop"),
    ],
)
def test_layout_variants(
    variants: dict[str, Document], title: str, date: str, notes: int, first_paragraph: str
) -> None:
    document = variants[title]
    assert document.date == date
    assert [n.n for n in document.footnotes] == list(range(1, notes + 1))
    assert document.paragraphs[0].text.startswith(first_paragraph)


def test_marker_inside_the_title_brackets(variants: dict[str, Document]) -> None:
    document = variants["[POUR UN DEBAT PUBLIC]"]
    assert document.footnote(1).marker is not None
    assert document.footnote(1).text.startswith("Lettre à W. Thomas (10570)")


def test_numbered_body_paragraph_is_not_a_note(variants: dict[str, Document]) -> None:
    # 3150 "1. Créer tout de suite ..." is body text; the real note 1 is at 3162
    document = variants["[QUE FAIRE POUR CHEN DUXIU]"]
    assert any(
        p.text.startswith("1. Créer tout de suite à New York une commission")
        for p in document.paragraphs
    )
    assert document.footnote(1).text.startswith("Note intitulée « Concernant la lettre de Shanghai")
    assert document.recipient == "Glenner, Isaacs et Simons"


def test_cut_off_date_and_salutation_above_the_title(variants: dict[str, Document]) -> None:
    optimiste = variants["[JE SUIS TRES OPTIMISTE]"]
    assert (optimiste.date_raw, optimiste.date) == ("( 17 janvier", "1938-01-17")
    archives = variants["[LES DROITS SUR LES ARCHIVES]"]
    salutation, title_line = archives.paragraphs[0], archives.footnote(1).marker.line
    assert salutation.line_start < title_line  # printed above the title by the OCR
    assert archives.recipient == "J. Frankel"


def test_telegram_signed_by_both(variants: dict[str, Document]) -> None:
    telegram = variants["COURAGE"]
    assert (telegram.kind, telegram.sender, telegram.recipient) == (
        "telegram",
        "Natalia Sedova et L. Trotsky",
        "Jeanne Martin",
    )
    assert telegram.paragraphs[-1].text == "NATALIA LEON"


def test_boukharine_letter_with_an_unnumbered_note() -> None:
    (letter,), problems = parse_file(FIXTURES / "000_boukharine_vorochilov.txt")
    assert problems == []
    assert (letter.id, letter.kind, letter.sender, letter.recipient) == (
        "000-001",
        "letter",
        "N. Boukharine",
        "K. Vorochilov",
    )
    assert (letter.date, letter.date_precision, letter.date_inferred) == (
        "1936-09-03",
        "day",
        False,
    )
    assert letter.volume == "Lettres de Boukharine"
    body = " ".join(p.text for p in letter.paragraphs)
    assert "« salaud ». Que puis-je écrire après ça ?" in body
    # the note (40-60) cuts a sentence that resumes at 64
    assert "et sache que je ne voulais pas dire ce que tu as pensé." in body
    assert "Vorochilov envoya" not in body
    assert not body.rstrip().endswith("Boukharine")  # no signature
    (note,) = letter.footnotes
    # unnumbered, it takes the number of its call, "salaud" / "2" (the letter's only one):
    # a reader who sees the "2" cites it as note 2
    assert (note.n, note.line_start, note.line_end) == (2, 40, 60)
    assert note.marker.line == 10


def test_boukharine_letter_with_numbered_notes() -> None:
    (letter,), _ = parse_file(FIXTURES / "003_boukharine_kouibychev.txt")
    assert (letter.sender, letter.recipient) == ("N. I. Boukharine", "V. V. Kouïbychev")
    assert (letter.date, letter.date_precision, letter.date_inferred) == ("1925-12", "month", True)
    assert letter.date_raw == "[avant le 8 décembre 1925]"
    assert [p.text for p in letter.paragraphs][:2] == [
        "Au camarade Kouïbychev",
        "A mon sens, le principal défaut de tes thèses est qu’elles « sentent l’appareil », pour parler "
        "schématiquement. Qu’est-ce que je veux dire par là ? Selon moi, la tâche majeure de la CCC "
        "consiste (dans sa partie positive) à se rapprocher des masses et à sélectionner les hommes "
        "dans ces masses. C’est là qu’il faudrait transférer le centre de gravité, pour déboucher sur "
        "quelque chose de plus concret.",
    ]
    source, theses = letter.footnotes
    assert (
        source.text.startswith("Source : N. BOUKHARINE, Œuvres choisies") and source.marker is None
    )
    assert theses.text.endswith("élaborées par Kouïbychev pour le XIVe congrès du parti.")
    assert theses.marker.line == 10
    assert letter.source_note == source.text
