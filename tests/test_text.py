"""Names and dates read from questions (table-driven; pure functions)."""

from __future__ import annotations

import pytest

from assistant.text import month_years, name_key, name_runs, proper_names


@pytest.mark.parametrize(("text", "runs"), [
    ("Qui était Benjamin Stolberg ?", [("benjamin", "stolberg")]),
    # a possessive is not part of the name (it used to leave only "s")
    ("What was Trotsky's opinion of Eisenstein's film Alexander Nevsky?",
     [("trotsky",), ("eisenstein",), ("alexander", "nevsky")]),
    ("What did Trotsky write to Albert Einstein about the Moscow trials?",
     [("trotsky",), ("albert", "einstein"), ("moscow",)]),
    # an elision neither; a particle ends a run
    ("Dans l'article de Jan van Heijenoort sur l'Espagne", [("jan",), ("heijenoort",),
                                                           ("espagne",)]),
    # English capitalises months and days: they are dates, not names
    ("In Bukharin's January 1937 draft, what did he ask on Monday?", [("bukharin",)]),
    ("Quand Trotsky a-t-il écrit à Cannon ?", [("trotsky",), ("cannon",)]),
])
def test_name_runs(text, runs):
    assert name_runs(text) == runs
    assert proper_names(text) == list(dict.fromkeys(n for run in runs for n in run))


def test_name_runs_as_written():
    assert name_runs("Did André Breton's visit matter?", folded=False) == [("André", "Breton")]


@pytest.mark.parametrize(("text", "months"), [
    ("Que pensait Trotsky des accords de Munich signés en septembre 1938 ?", ["1938-09"]),
    ("the letter of 5 January 1938 and the one of February, 1938", ["1938-01", "1938-02"]),
    ("le 1er février 1938, puis en mars 1938", ["1938-02", "1938-03"]),
    ("in the spring of 1938", []),
    ("en 1936", []),
])
def test_month_years(text, months):
    assert month_years(text) == months


@pytest.mark.parametrize(("a", "b"), [
    ("boukharine", "bukharin"), ("vorochilov", "voroshilov"), ("ordjonikidze", "ordzhonikidze"),
    ("moscou", "moscow"), ("trotski", "trotsky"),
])
def test_name_keys_meet_across_transliterations(a, b):
    assert name_key(a) == name_key(b)
