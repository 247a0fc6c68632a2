"""Note calls in the body and note numbers in the notes (FORMAT §7, §8), on real lines."""

from __future__ import annotations

import pytest

from assistant.corpus.markers import Candidate, line_candidates, link_notes
from assistant.corpus.notes import decode_number, note_start


def _calls(line: str) -> list[tuple[str, int | None]]:
    """(removed text, value) of each candidate in the line."""
    return [(line[c.start : c.end], c.value) for c in line_candidates(0, line)]


@pytest.mark.parametrize(
    ("line", "calls"),
    [
        ("Cher Camarade Glenner 2 ", [(" 2", 2)]),  # 788
        ("contre Craipeau 5• Je n'ai pour l'instant rien à y ajouter.", [(" 5", 5)]),  # 645
        ("concernant la position de B[ urnham] 3, etc. Autant que je puisse ", [(" 3", 3)]),  # 791
        ("Je n'ai même pas ici un exemplaire du Case of Leon Trostsy 3", [(" 3", 3)]),  # 590
        ("le « ferment >, à publier dans le Socialist Appeal4 et dans", [("4", 4)]),  # glued
        ("Cher M. Macdonald::, ", [("::", None)]),  # garbled: any note may claim it
        ("Cher Camarade Rahv =, ", [(" =", None)]),
        (
            "Dans ma lettre au camarade Yan du 2 janvier 1938 2, j'avais ",
            [(" 2", 2)],
        ),  # after a year
        ("pour ne pas priver le N.A.S. 10 de", [(" 10", 10)]),
        ("l'ancien ministre de Koltchak 8 Maisky, etc.", [(" 8", 8)]),  # Maisky is not "mai"
        ("7", [("7", 7)]),  # alone on its line (10818)
        # false markers
        ("Je reste totalement sur la base des thèses de la IVe Internationale", []),
        ("la ive Internationale sur la guerre", []),
        ("Je réponds à votre lettre n° 21 du 4 mars. Natalia", []),
        ("fait scission sur cette question le 16 octobre 1936", []),
        ("il avait alors 64 ans, fut maintenu", []),
    ],
)
def test_line_candidates(line: str, calls: list) -> None:
    assert _calls(line) == calls


def test_link_notes_by_number_page_and_order() -> None:
    def candidate(line: int, value: int | None) -> Candidate:
        return Candidate(line, 0, 1, value)

    candidates = [
        (candidate(1, 2), 0),  # "Glenner 2" on page 0
        (candidate(2, 3), 1),  # a "3" on page 1 cannot call note 3, printed on page 0
        (candidate(3, 3), 0),
        (candidate(5, 21), 1),  # "les 21": a count, not a call
        (candidate(6, None), 1),  # "Macdonald::" between notes 3 and 5
        (candidate(7, 1), 1),  # "Toledano 1" read for 5 (7186)
        (candidate(8, 6), 1),
    ]
    notes = [(2, 0), (3, 0), (4, 1), (5, 1), (6, 1)]
    links = link_notes(notes, candidates)
    assert {n: c.line for n, c in links.items()} == {2: 1, 3: 3, 4: 6, 5: 7, 6: 8}


@pytest.mark.parametrize(
    ("token", "numbers"),
    [
        ("1", {1}),
        ("l", {1}),
        ("!", {1}),
        ("i", {1}),
        ("1 1", {11}),
        ("JO", {10}),
        ("!O", {10}),
        ("ï", {7}),
        ("S", {5, 8}),
        ("2Y", {29}),
        (".\\", None),
    ],
)
def test_decode_number(token: str, numbers) -> None:
    assert decode_number(token) == numbers


@pytest.mark.parametrize(
    ("line", "numbers", "text"),
    [
        (
            "1. Lettre en français (T 4260) à J. van Heijenoort, avec la permission de la ",
            {1},
            "Lettre en français",
        ),
        (
            "l. Lettre à Jan Frankel (8156), traduite de !'anglais, avec la permission de la",
            {1},
            "Lettre à Jan",
        ),
        (
            "L Lettre ouverte (T 4271 ), traduite de l'anglais avec la permission de la ",
            {1},
            "Lettre ouverte",
        ),
        (
            "! . Lettre à J. P. Cannon (7522). traduite de !'anglais. avec la permission de",
            {1},
            "Lettre à J.",
        ),
        (
            "1 1. Vereeken était un de ceux des membres du C.C. du P.S.R. qui avaient ",
            {11},
            "Vereeken",
        ),
        (
            "JO. Alexander Berkman (1870-1936). né en Pologne, a rejoint très tôt le ",
            {10},
            "Alexander",
        ),
        (
            "2Y. Sergei M. Kostrikov, dit Kirov (1886-1934) était membre du secrétariat ",
            {29},
            "Sergei",
        ),
        (
            "• 8. Konstantin K. louréniev (1888-1938), fils de cheminot, militant en 1904,",
            {8},
            "Konstantin",
        ),
        ("2: Andrés Nin Pérez (1892-1937), avait été secrétaire de la C.N.T. puis", {2}, "Andrés"),
        (":Uakov G. Blumkîne (1899-1929), ancien s.r. qui avait abattu en 1918 ", None, "Uakov"),
        ("-L kan .kuus (né en 1908j, dirigeant du P.O.L, étair également avocat.", None, "kan"),
    ],
)
def test_note_start(line: str, numbers, text: str) -> None:
    found = note_start(line, 1)
    assert found is not None
    assert found[0] == numbers
    assert found[1].startswith(text)


@pytest.mark.parametrize(
    "line",
    [
        "1, 2, 3 - Congrès de fondation du Socialist Workers Party (S.W.P.) à",  # chronology
        "M. Lombardo Toledano 1 et sa clique, après une préparation",
        "p. 124. Grace Simons (née en 1901, secrétaire d'un banquier américain, avait",
    ],
)
def test_not_note_starts(line: str) -> None:
    assert note_start(line, 1) is None
