"""Dates, titles, salutations and source notes, on the printed variants of the corpus (FORMAT §5, §9)."""

from __future__ import annotations

import pytest

from assistant.corpus.metadata import (
    is_date_line,
    is_salutation,
    parse_date,
    parse_source_note,
    salutation_name,
)
from assistant.corpus.titles import clean_title


@pytest.mark.parametrize(
    ("raw", "date", "precision", "inferred"),
    [
        ("(5 janvier 1938) ", "1938-01-05", "day", False),  # 786
        ("( 5 janvier 1938) ", "1938-01-05", "day", False),  # 830
        ("(l °' février 1938) ", "1938-02-01", "day", False),  # 4608
        ("(1er février 1938) ", "1938-02-01", "day", False),  # 4679
        ("(1 er mars 1938) ", "1938-03-01", "day", False),  # 7889
        ("(!O mars 1938) ", "1938-03-10", "day", False),  # 11091
        ("(1 l mars l 938) ", "1938-03-11", "day", False),  # 11563
        ("(ï février 1938) ", "1938-02-07", "day", False),  # 5856
        ("(mars 1938) ", "1938-03", "month", False),  # 12264
        ("(6 mars 1938 - 5 heures du matin) ", "1938-03-06", "day", False),  # 9499
        ("[novembre 1933]", "1933-11", "month", True),  # 002:3
        ("[avant le 8 décembre 1925]", "1925-12", "month", True),  # 003:6, only a bound
        ("3 septembre 1936", "1936-09-03", "day", False),  # 000:6
    ],
)
def test_parse_date(raw: str, date: str, precision: str, inferred: bool) -> None:
    info = parse_date(raw)
    assert (info.date, info.precision, info.inferred) == (date, precision, inferred)
    assert info.raw == raw.strip()


def test_cut_off_date_takes_the_default_year() -> None:
    assert parse_date("( 17 janvier ").date is None  # 3241: the year was lost
    assert parse_date("( 17 janvier ", default_year=1938).date == "1938-01-17"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(2 janvier 1938) ", True),
        ("( 17 janvier ", True),
        (" (2 mars 1938) ", True),
        ("(16 octobre) et le P.O.U.M. avait eu beau jeu d'expliquer que cette importante ", False),
        ("(27 juillet 1794) par la Convention et guillotinés. ", False),
        ("16 janvier 1937", True),
    ],
)
def test_is_date_line(line: str, expected: bool) -> None:
    assert is_date_line(line) is expected


@pytest.mark.parametrize(
    ("raw", "title", "marker"),
    [
        ("[SUR LE DÉFAITISME] 1", "[SUR LE DÉFAITISME]", True),  # 585
        (
            "[LA COLLABORATION A NEW INTERNATIONAL] 1",
            "[LA COLLABORATION A NEW INTERNATIONAL]",
            True,
        ),
        ("[POUR UN DEBAT PUBLIC 1]", "[POUR UN DEBAT PUBLIC]", True),  # marker inside brackets
        ("[PAS DE RÉPONSE 1 POUR GALLACHER !]", "[PAS DE RÉPONSE POUR GALLACHER !]", True),  # 2992
        ("RÉVOLUTION ET GUERRE EN CHINE i", "RÉVOLUTION ET GUERRE EN CHINE", True),  # 5041
        ("[FAIRE SORTIR CHEN DUXIU]'", "[FAIRE SORTIR CHEN DUXIU]", True),  # 5726
        ("CRONSTADT 1", "CRONSTADT", True),
        ("[INQUIÉTUDES]", "[INQUIÉTUDES]", False),  # one of the 8 titles without a marker
        ("Ma« PHILOSOPHIE» 1", "Ma « PHILOSOPHIE »", True),  # 11957
        (
            "[ ARRÊTER LES CONFLITS AUTOUR DU TESTA1ViENT] 1",
            "[ARRÊTER LES CONFLITS AUTOUR DU TESTA1ViENT]",
            True,
        ),
        # scrambled by the OCR (6197-6204, 7776-7781): repaired from a table
        ("AU SUJET DE , DE LEON LA l\\iIORT SEDOV 1", "AU SUJET DE LA MORT DE LÉON SEDOV", True),
        ("APRÈS [QUESTIONS LA MORT DE SEDOV] 1", "[QUESTIONS APRÈS LA MORT DE SEDOV]", True),
    ],
)
def test_clean_title(raw: str, title: str, marker: bool) -> None:
    assert clean_title(raw) == (title, marker)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Cher Camarade Van 2, ", "Van"),
        ("Cher Camarade Glenner 2 ", "Glenner"),
        ("Cher M. Wendelin Thomas, ", "Wendelin Thomas"),
        ("Chère Mademoiselle LaFollette 2,", "LaFollette"),
        ("Cher M. Macdonald::, ", "Macdonald"),
        ("Cher Camarade Rahv =, ", "Rahv"),
        ("Mon cher Camille 2, ", "Camille"),
        ("Cher Ami, ", None),
        ("Chers Camarades, ", None),
    ],
)
def test_salutation_name(line: str, name: str | None) -> None:
    assert is_salutation(line)
    assert salutation_name(line) == name


def test_body_lines_are_not_salutations() -> None:
    assert not is_salutation("Ma femme, qui administra les musées et les monuments ")
    assert not is_salutation("Messieurs les anarchistes imitent totalement les libéraux bour")


@pytest.mark.parametrize(
    ("note", "kind", "recipient", "archive", "language"),
    [
        (
            "Lettre en français (T 4260) à J. van Heijenoort, avec la permission de la Houghton Library.",
            "letter",
            "J. van Heijenoort",
            "T 4260",
            "français",
        ),
        (
            "Lettre à Jan Frankel (8156), traduite de l'anglais, avec la permission de la Houghton Library.",
            "letter",
            "Jan Frankel",
            "8156",
            "anglais",
        ),
        (
            "Lettre à P. Naville (9356 a) en français, avec la permission de la Houghton Library.",
            "letter",
            "P. Naville",
            "9356 a",
            "français",
        ),
        (
            "Article (T 4265) traduit du russe avec la permission de la Houghton Library.",
            "article",
            None,
            "T 4265",
            "russe",
        ),
        (
            "Article iT 4322) traduit du ru,sc. a,t:c la permission de la Houghton Library.",
            "article",
            None,
            "T 4322",
            "russe",
        ),
        (
            "Déclaration à la presse, traduite du castillan (T 4286-1) et vérifiée sur l'original russe",
            "declaration",
            None,
            "T 4286-1",
            "castillan",
        ),
        (
            "Télégramme à Jeanne Martin (9019) en français, avec la permission de la Houghton Library,",
            "telegram",
            "Jeanne Martin",
            "9019",
            "français",
        ),
        (
            "Lettre à [Marx Schwind (10087) traduite dt? i'ünglais, avec la permission de la Houghton Library.",
            "letter",
            "Marx Schwind",
            "10087",
            "anglais",
        ),
        (
            "Lettre en français au S.L (8056) avec la permission de la Houghton Library.",
            "letter",
            "S.I.",
            "8056",
            "français",
        ),
        (
            "Lettre à R. Klement, (Archives départementales du Vaucluse, papiers Paul Richartz) en français.",
            "letter",
            "R. Klement",
            "Archives départementales du Vaucluse, papiers Paul Richartz",
            "français",
        ),
        (
            "Préface (T 4262-1) traduite de l'anglais, du livre de H. R. Isaacs",
            "preface",
            None,
            "T 4262-1",
            "anglais",
        ),
        (
            "Note intitulée « Concernant la lettre de Shanghai du camarade Frank » (8251) adressée à "
            "Glenner, Isaacs et Simons, traduite de l'anglais",
            "other",
            "Glenner, Isaacs et Simons",
            "8251",
            "anglais",
        ),
        (
            "Traduction française de 1938 (T 4269-2) revue au moyen de l'original en russe (T 4269).",
            "other",
            None,
            "T 4269-2",
            "russe",
        ),
        ("Excelsior, 3 mars 1938. Traduit ici de l'espagnol.", "other", None, None, "espagnol"),
        # 004:3912 and 004:10040: the language written after the call number, or of the text
        # the edition reproduces
        (
            "Lettre au S.l. (T 4272) en russe : la traduction française dans k Bulletin "
            "intérieur international n° 2, édité par k SJ. en avril 1938, a été révisée.",
            "letter",
            "S.I.",
            "T 4272",
            "russe",
        ),
        (
            "Bien que l'édition des Writings 37-38 indique que ce texte se trouve à la Houghton "
            "Library, nous n'avons pas trouvé de copie de l'original. Nous le reproduisons ici "
            "d'après le texte anglais publié, pp. 231-233.",
            "other",
            None,
            None,
            "anglais",
        ),
    ],
)
def test_parse_source_note(note: str, kind: str, recipient, archive, language) -> None:
    info = parse_source_note(note)
    assert (info.kind, info.recipient, info.archive_ref, info.language) == (
        kind,
        recipient,
        archive,
        language,
    )


def test_source_note_names_a_second_sender() -> None:
    info = parse_source_note(
        "Lettre de Trotskv et Natalia à Rosmer. Jeanne Manin, Jean Rous et Rudolf Klement (9892), én français"
    )
    assert info.sender == "L. Trotsky et Natalia Sedova"
    assert info.language == "français"
