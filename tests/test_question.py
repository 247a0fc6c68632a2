"""Question analysis (assistant/question.py): dates, correspondents, kinds, the note, answer type.

Fast: no model, no index. The correspondents are a small list spelt as the corpus spells them.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.question import DateSpan, analyse, describe, describe_span, find_dates

PEOPLE = ["K. Vorochilov", "N. Boukharine", "L. Trotsky", "J. P. Cannon", "Staline"]


def spans(text: str) -> list[tuple[str, int | None, int, int, int | None]]:
    found, _ = find_dates(text)
    return [(s.precision, s.year, s.first_month, s.last_month, s.day) for s in found]


@pytest.mark.parametrize(("text", "expected"), [
    ("sa lettre du 3 septembre 1936", [("day", 1936, 9, 9, 3)]),
    ("the letter of september 3, 1936", [("day", 1936, 9, 9, 3)]),
    ("le 1er mars 1938", [("day", 1938, 3, 3, 1)]),
    ("in his january 1937 draft", [("month", 1937, 1, 1, None)]),
    ("debut 1938", [("part-of-year", 1938, 1, 4, None)]),
    ("late 1937", [("part-of-year", 1937, 9, 12, None)]),
    ("in february, what did he write", [("month", None, 2, 2, None)]),
    ("en 1925", [("year", 1925, 1, 12, None)]),
    ("he may go there", []),  # the modal verb is no date, nor a bare "march" or "mars"
    ("the march of the army", []), ("mars attaque", []),
    # ... but a word that only a month follows makes one
    ("he may go there in march", [("month", None, 3, 3, None)]),
    ("a la mi-mars", [("month", None, 3, 3, None)]), ("debut mars", [("month", None, 3, 3, None)]),
    ("in early march", [("month", None, 3, 3, None)]),
    # every position of a year places a month too ("milieu de mars", "commencement mars")
    ("au milieu de mars", [("month", None, 3, 3, None)]),
    ("commencement mars", [("month", None, 3, 3, None)]),
    ("le 2 mars 1938 et en 1937", [("day", 1938, 3, 3, 2), ("year", 1937, 1, 12, None)]),
])
def test_dates_of_a_folded_question(text, expected):
    assert spans(text) == expected


def test_a_date_span_matches_documents_by_interval():
    early = DateSpan("debut 1938", "part-of-year", 1938, 1, 4)
    assert early.matches(date(1938, 2, 24), date(1938, 2, 24))
    assert not early.matches(date(1938, 5, 1), date(1938, 5, 31))
    february = DateSpan("february", "month", None, 2, 2)
    assert february.matches(date(1938, 2, 1), date(1938, 2, 28))
    assert not february.matches(date(1938, 3, 1), date(1938, 3, 1))
    day = DateSpan("3 septembre 1936", "day", 1936, 9, 9, 3)
    assert day.interval() == (date(1936, 9, 3), date(1936, 9, 3))
    assert day.matches(date(1936, 9, 1), date(1936, 9, 30))  # a document dated by its month


def test_correspondents_are_found_in_either_transliteration():
    french = analyse("Dans sa lettre à Vorochilov du 3 septembre 1936, que dit Boukharine ?", PEOPLE)
    english = analyse("In his letter of 3 September 1936, what does Bukharin tell Voroshilov?",
                      PEOPLE)
    for analysis in (french, english):
        assert set(analysis.correspondents) == {"K. Vorochilov", "N. Boukharine"}
        assert analysis.kinds == ("letter",)
        assert [s.day for s in analysis.dates] == [3]
    assert (french.language, english.language) == ("fr", "en")


def test_other_names_kinds_and_the_note():
    analysis = analyse("D'après la note de l'éditeur, qui était Benjamin Stolberg ?", PEOPLE)
    assert analysis.wants_note and analysis.answer_type == "person"
    assert analysis.names == ("benjamin stolberg",) and analysis.correspondents == ()
    assert analyse("Which telegram did Trotsky send?", PEOPLE).kinds == ("telegram",)
    assert analyse("Dans quel entretien parle-t-il de Cannon ?", PEOPLE).kinds == ("interview",)
    assert not analyse("Que dit Trotsky de ses archives ?", PEOPLE).wants_note


@pytest.mark.parametrize(("question", "kind"), [
    ("Quand Trotsky a-t-il écrit à Cannon ?", "date"),
    ("How many points did the resolution have?", "number"),
    ("Où Boukharine voulait-il être envoyé ?", "place"),
    ("Why did he refuse?", "reason"),
    ("Did Trotsky answer the letter?", "yes-no"),
    ("Que pensait-il du procès ?", "description"),
])
def test_answer_type(question, kind):
    assert analyse(question, PEOPLE).answer_type == kind


def test_content_terms_leave_out_dates_and_kinds():
    analysis = analyse("What did Bukharin write in his letter of January 1937 about Spain?", PEOPLE)
    assert "janvi" not in analysis.terms and "lettr" not in analysis.terms
    assert {"write", "spain"} <= set(analysis.content_words)
    assert "letter" not in analysis.content_words and "january" not in analysis.content_words


def test_describe_says_what_was_understood_in_the_question_language():
    analysis = analyse("Dans sa lettre à Vorochilov de septembre 1936, que dit la note ?", PEOPLE)
    assert describe(analysis, "fr") == (
        "lettres à ou de K. Vorochilov, septembre 1936, notes de l'éditeur")
    assert describe(analysis, "en") == (
        "letters to or from K. Vorochilov, September 1936, the editor's notes")
    assert describe(analyse("Que pensait-il du procès ?", PEOPLE), "fr") is None
    assert describe_span(DateSpan("debut 1938", "part-of-year", 1938, 1, 4), "en") == (
        "January–April 1938")
    assert describe_span(DateSpan("3 sept 1936", "day", 1936, 9, 9, 3), "en") == (
        "September 3, 1936")


def test_asking_words_and_places_are_not_search_hints():
    analysis = analyse("On what date was Bukharin executed in Moscow?", PEOPLE)
    assert "date" not in analysis.content_words and "executed" in analysis.content_words
    mexico = analyse("When did Trotsky arrive in Mexico?", [*PEOPLE, "Ministre de France au Mexique"])
    assert "Ministre de France au Mexique" not in mexico.correspondents  # a place is no name
