"""The text module: folding, terms, names, dates and descriptions (table-driven; pure)."""

from __future__ import annotations

import pytest

from assistant.text import month_years, name_key, name_runs, proper_names


@pytest.mark.parametrize(("text", "runs"), [
    ("Qui était Benjamin Stolberg ?", [("benjamin", "stolberg")]),
    # a possessive is not part of the name (it used to leave only "s")
    ("What was Trotsky's opinion of Eisenstein's film Alexander Nevsky?",
     [("trotsky",), ("eisenstein",), ("alexander", "nevsky")]),
    # ... and ends it: the owner's name is not the first name of the next word
    ("in Trotsky's Kronstadt article", [("trotsky",), ("kronstadt",)]),
    ("What did Trotsky write to Albert Einstein about the Moscow trials?",
     [("trotsky",), ("albert", "einstein"), ("moscow",)]),
    # an elision neither; a particle ends a run
    ("Dans l'article de Jan van Heijenoort sur l'Espagne", [("jan",), ("heijenoort",),
                                                           ("espagne",)]),
    # English capitalises months and days: they are dates, not names
    ("In Bukharin's January 1937 draft, what did he ask on Monday?", [("bukharin",)]),
    ("Quand Trotsky a-t-il écrit à Cannon ?", [("trotsky",), ("cannon",)]),
    # a name in single quotes (its closing quote used to be read as an elision: nothing left)
    ("Who was 'Walcher', and what did 'Dali' paint?", [("walcher",), ("dali",)]),
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
    ("moscou", "moscow"), ("trotski", "trotsky"), ("ejov", "yezhov"), ("iejov", "yezhov"),
    ("enoukidze", "yenukidze"),
])
def test_name_keys_meet_across_transliterations(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("text", "folded", "case_folded"), [
    ("Révolution", "revolution", "revolution"),
    ("Œuvres", "oeuvres", "oeuvres"),
    ("!'U.R.S.S.", "l'u.r.s.s.", "!'u.r.s.s."),  # OCR repair only in fold
    ("quïl", "qu'il", "quil"),
    ("l’État", "l'etat", "l’etat"),
    ("Wa/cher", "walcher", "wa/cher"),  # the OCR's slash for an "l" inside a word
    ("Frankfurt/Main", "frankfurt/main", "frankfurt/main"),  # a real slash, before a capital
])
def test_fold_and_fold_case(text, folded, case_folded):
    from assistant.text import fold, fold_case

    assert fold(text) == folded and fold_case(text) == case_folded


@pytest.mark.parametrize(("text", "terms"), [
    ("La révolution d'Octobre", ["revolu", "octobr"]),
    ("January 5", ["janvi", "5"]),
    ("It may be", ["may"]),  # for search "may" is the modal verb, not "mai"
    ("l'U.R.S.S.", ["urss"]),
    ("but or", ["but", "or"]),  # French words too
])
def test_search_terms(text, terms):
    from assistant.text import search_terms

    assert search_terms(text) == terms


def test_content_terms_drop_question_words_and_map_english_months():
    from assistant.text import content_terms

    assert content_terms("Quand Trotsky écrit-il en January ?") == ["trotsky", "ecrit", "janvi"]


@pytest.mark.parametrize(("fields", "fr", "en"), [
    (dict(kind="letter", recipient="Jan Frankel", date="1938-01-05"),
     "la lettre à J. Frankel du 5 janvier 1938", "the letter to J. Frankel of 5 January 1938"),
    (dict(kind="article", title="CRONSTADT", date="1938-03"),
     "l'article « CRONSTADT » de mars 1938", "the article “CRONSTADT” of March 1938"),
    (dict(kind="other", title="MESSAGE"), "le texte « MESSAGE »", "“MESSAGE”"),
    (dict(kind="chronology"), "le document", "the document"),
])
def test_document_phrase(fields, fr, en):
    from assistant.text import document_phrase

    assert document_phrase(**fields, language="fr") == fr
    assert document_phrase(**fields, language="en") == en


@pytest.mark.parametrize(("kind", "fr", "en"), [
    ("letter", "lettre", "letter"), ("declaration", "déclaration", "statement"),
    ("front-matter", "présentation", "front matter"), ("unknown", "unknown", "unknown"),
])
def test_kind_label(kind, fr, en):
    from assistant.text import kind_label

    assert (kind_label(kind, "fr"), kind_label(kind, "en")) == (fr, en)


def test_bm25_scores_a_name_under_each_spelling_of_it():
    """A query's proper name meets its other spellings in the index even when its own spelling
    is there too; an ordinary word does not bring its look-alikes ("coup" is not "cup")."""
    from assistant.lexical import LexicalIndex

    index = LexicalIndex.build(["Et je repense au cam. Menjinski.",
                                "Viatcheslav R. Menjinsky (1874-1934), étudiant en droit.",
                                "A cup of tea.", "Un coup de force."])
    named = index.scores("Que dit-on de Menjinski ?")
    assert named[0] > 0 and named[1] > 0 and not named[2:].any()
    plain = index.scores("Un coup")
    assert plain[3] > 0 and plain[2] == 0
