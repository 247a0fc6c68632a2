"""Safe OCR normalisation and vocabulary-checked line joining (FORMAT §10), on real corpus words."""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_ROOT
from assistant.corpus.normalise import Vocabulary, join_lines, join_separator, normalise_text

TROTSKY = PROJECT_ROOT / "corpus" / "004_7eda2118eecd96f1.txt"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_lines(TROTSKY.read_text(encoding="utf-8").split("\n"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "protéger les intérêts de la défense de !'U.R.S.S. (ou de la Chine,",
            "protéger les intérêts de la défense de l'U.R.S.S. (ou de la Chine,",
        ),
        ("Il s·agit de la conférence", "Il s'agit de la conférence"),
        ("fait que J. Duclos n ·a pas eu la majorité", "fait que J. Duclos n'a pas eu la majorité"),
        ("de sorte quïl ne", "de sorte qu'il ne"),
        ("L ïndex des noms", "L'index des noms"),
        ("Le \\Vorkers Party", "Le Workers Party"),
        ("de M. Kamene\\'.", "de M. Kamenev."),
        ("[QUELQUES RE1\\1ARQUES]", "[QUELQUES REMARQUES]"),
        ("alliés de l'U .R.S.S., vous êtes", "alliés de l'U.R.S.S., vous êtes"),
        ("les prisons du G. P. U. les", "les prisons du G.P.U. les"),
        ("dans le P.O. U .M. un", "dans le P.O.U.M. un"),
        ("Lettre à J. P. Cannon (7518)", "Lettre à J. P. Cannon (7518)"),  # initials stay
        ("la position de Sneev!iet dans", "la position de Sneevliet dans"),
        ("avec la permission de !a Houghton", "avec la permission de la Houghton"),
        ("l. Lettœ à L. Sedov", "l. Lettre à L. Sedov"),
        ("[UN TRA V AIL SUR MARX ?]", "[UN TRAVAIL SUR MARX ?]"),
        ("UN LIVRE SUR ST ALINE", "UN LIVRE SUR STALINE"),
        ("Cher Monsieur W alker,", "Cher Monsieur Walker,"),
        ("questions « norvégiennes >>.", "questions « norvégiennes »."),
        ("Kouïbychev et Dostoïevski, héroïque", "Kouïbychev et Dostoïevski, héroïque"),  # real ï
        ("Ce n'est pas l'U.R.S.S. A la", "Ce n'est pas l'U.R.S.S. A la"),
    ],
)
def test_normalise_text(vocab: Vocabulary, raw: str, expected: str) -> None:
    assert normalise_text(raw, vocab) == expected


@pytest.mark.parametrize(
    ("left", "right", "complete", "joined"),
    [
        # the only cue of a dropped hyphen is the missing trailing space (598-599)
        ("soutenir les gouverne", "ments alliés", False, "soutenir les gouvernements alliés"),
        ("l'argumen", "tation de nos", False, "l'argumentation de nos"),  # 627-629
        (
            "C'est là-dessus qu'il faudrait s'expliquer : l'expé-",
            "rience de ces",
            False,
            "C'est là-dessus qu'il faudrait s'expliquer : l'expérience de ces",
        ),  # 657 → 678
        # a real word break without the trailing space: keep the space
        (
            "secrétaire de Trotsky à",
            "Prinkipo puis",
            False,
            "secrétaire de Trotsky à Prinkipo puis",
        ),
        (
            "une lettre du Belge Vereeken du 15",
            "décembre 1937",
            False,
            "une lettre du Belge Vereeken du 15 décembre 1937",
        ),
        # compounds that lost their own hyphen (729, 746)
        (
            "Sneevliet, en temps de paix, a, vis-à",
            "vis de son",
            False,
            "Sneevliet, en temps de paix, a, vis-à-vis de son",
        ),
        (
            "mais malheureusement pour lui",
            "même. J'ai",
            False,
            "mais malheureusement pour lui-même. J'ai",
        ),
        # a hyphen that belongs to the word stays
        ("aux Etats-", "Unis", False, "aux Etats-Unis"),
        # an unknown word ending is joined even though its first piece is a word
        ("une visite sensation", "nelle, non", False, "une visite sensationnelle, non"),
        # punctuation wrapped to the next line (590-591)
        (
            "un exemplaire du Case of Leon Trostsy",
            ".",
            False,
            "un exemplaire du Case of Leon Trostsy.",
        ),
        # a whole word (trailing space) is always followed by a space
        (
            "a manifesté un profond intérêt pour la",
            "question de",
            True,
            "a manifesté un profond intérêt pour la question de",
        ),
    ],
)
def test_join_separator(
    vocab: Vocabulary, left: str, right: str, complete: bool, joined: str
) -> None:
    new_left, separator = join_separator(left, right, vocab, left_complete=complete)
    assert new_left + separator + right == joined


def test_vocabulary_ignores_pieces_at_open_line_ends() -> None:
    lines = ["Si vous ne voulez pas soutenir les gouverne", "ments alliés de l'U.R.S.S. "]
    vocab = Vocabulary.from_lines(lines)
    assert "soutenir" in vocab and "alliés" in vocab
    assert "gouverne" not in vocab and "ments" not in vocab
    assert vocab.count("U.R.S.S.") == 1


def test_join_lines_uses_trailing_spaces(vocab: Vocabulary) -> None:
    text = join_lines(
        [
            ("« Si vous ne voulez pas soutenir les gouverne", False),
            ("ments alliés de l'U.R.S.S., ", True),
            ("vous êtes pratiquement un défai", False),
            ("tiste. »", True),
        ],
        vocab,
    )
    assert (
        text
        == "« Si vous ne voulez pas soutenir les gouvernements alliés de l'U.R.S.S., vous êtes pratiquement un défaitiste. »"
    )
