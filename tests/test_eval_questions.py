"""The question schema and ``validate`` on hand-made question files over the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.evaluation.questions import KINDS, QuestionSetError, load_questions, validate

CORPUS = PROJECT_ROOT / "corpus"
T = "004_7eda2118eecd96f1.txt"
GOLD = {"file": T, "doc_title": "[SUR LE DÉFAITISME]", "doc_date": "2 janvier 1938", "line": 598,
        "footnote": None,
        # spans the hyphenated line break "gouverne" / "ments", OCR spacing kept
        "quote": "Si vous ne voulez pas soutenir les gouverne ments alliés de l'U .R.S.S."}
NOTE = {"file": T, "doc_title": "[SUR LE DÉFAITISME]", "doc_date": "2 janvier 1938", "line": 606,
        "footnote": 2, "quote": "Jean van Heijenoort (né en 1912) avait été secrétaire de Trotsky"}


def question(qid: str = "q001", **fields) -> dict:
    base = {"id": qid, "question": "Qu'est-ce que les commissaires reprochaient à Trotsky ?",
            "language": "fr", "answer": "D'être défaitiste envers les alliés de l'URSS.",
            "must_contain": ["défaitiste"], "gold": [GOLD], "kind": "fact-in-body"}
    return base | fields


def write(tmp_path: Path, rows: list) -> Path:
    path = tmp_path / "q.jsonl"
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def errors(tmp_path: Path, rows: list) -> list[str]:
    return [str(p) for p in validate(write(tmp_path, rows), CORPUS) if p.severity == "error"]


def test_good_questions_pass_and_load(tmp_path):
    rows = [
        question(),
        question("q002", kind="fact-in-footnote", gold=[NOTE], language="en",
                 question="Who was the secretary addressed as 'Van'?",
                 answer="Jean van Heijenoort, born 1912.", must_contain=["Heijenoort"]),
        question("q003", kind="unanswerable", gold=[], must_contain=[],
                 question="Que dit Trotsky de la bataille de Stalingrad ?", answer="Rien."),
        question("q004", kind="conversation-followup", gold=[NOTE],
                 question=["Qui est Van ?", "Et quand est-il né ?"], answer="En 1912.",
                 must_contain=["1912"]),
    ]
    path = write(tmp_path, rows)
    assert validate(path, CORPUS) == []
    loaded = load_questions(path)
    assert [q.id for q in loaded] == ["q001", "q002", "q003", "q004"]
    assert loaded[3].turns == ["Qui est Van ?", "Et quand est-il né ?"]
    assert loaded[3].last_turn == "Et quand est-il né ?"
    assert not loaded[2].answerable and loaded[0].gold[0].footnote is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"line": 597}, "does not start on line 597"),  # the quote starts on the next line
        ({"line": 599}, "quote not found"),
        ({"quote": "Si vous ne voulez pas soutenir les gouvernements alliés"}, "quote not found"),
        ({"quote": "Si vous ne voulez"}, "4 words"),
        ({"quote": " ".join(["mot"] * 26)}, "26 words"),
        ({"file": "005_missing.txt"}, "no file 005_missing.txt"),
        ({"file": "../corpus/" + T}, "bare corpus file name"),
        ({"line": 20000}, "past the end"),
        ({"line": 0}, "gold.0.line"),
        ({"footnote": "two"}, "gold.0.footnote"),
    ],
)
def test_bad_gold_is_reported(tmp_path, change, expected):
    found = errors(tmp_path, [question(gold=[GOLD | change])])
    assert len(found) == 1 and expected in found[0], found


def test_quote_window_is_five_lines(tmp_path):
    # lines 601-604 (a blank line inside): within the window line..line+4
    quote = ("de l'avocat 1. Lettre en français (T 4260) à J. van Heijenoort, avec la permission "
             "de la Houghton Library.")
    assert errors(tmp_path, [question(gold=[GOLD | {"line": 601, "quote": quote}])]) == []
    # reaching line 606 needs a sixth line
    found = errors(tmp_path, [question(gold=[GOLD | {"line": 601, "quote": quote + " 2. Jean"}])])
    assert len(found) == 1 and "quote not found" in found[0]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "opinion"}, "kind"),
        ({"language": "de"}, "language"),
        ({"extra": 1}, "extra"),
        ({"gold": []}, "needs at least one gold"),
        ({"kind": "unanswerable"}, "must have \"gold\": []"),
        ({"kind": "conversation-followup"}, "at least two turns"),
        ({"question": ["   "]}, "empty question turn"),
        ({"must_contain": [""]}, "empty must_contain"),
    ],
)
def test_bad_question_is_reported(tmp_path, fields, expected):
    row = question(**fields)
    found = errors(tmp_path, [row])
    assert found and any(expected in problem for problem in found), found


def test_ids_unique_json_valid_and_warnings(tmp_path):
    rows = [question(), question(), "{not json", question("q9", id=7)]
    found = errors(tmp_path, rows)
    assert any("duplicate id (first on line 1)" in p for p in found)
    assert any("line 3" in p and "not JSON" in p for p in found)
    assert any("line 4" in p and "id" in p for p in found)
    copied = question(question="Si vous ne voulez pas soutenir les gouverne ments alliés ?",
                      kind="multi-doc")
    problems = validate(write(tmp_path, [copied]), CORPUS)
    assert {p.severity for p in problems} == {"warning"}
    text = " ".join(p.message for p in problems)
    assert "copies" in text and "one document" in text


def test_load_questions_raises_a_clear_error(tmp_path):
    with pytest.raises(QuestionSetError, match="q.jsonl:2: kind"):
        load_questions(write(tmp_path, [question(), question("q2", kind="nope")]))
    with pytest.raises(QuestionSetError, match="no questions"):
        load_questions(write(tmp_path, []))
    assert validate(tmp_path / "absent.jsonl", CORPUS)[0].message.startswith("cannot read")


PROJECT_SETS = ("questions.jsonl", "heldout.jsonl")


@pytest.mark.parametrize("name", PROJECT_SETS)
def test_project_question_set_is_valid(name):
    problems = validate(PROJECT_ROOT / "eval" / name, CORPUS)
    assert not [str(p) for p in problems if p.severity == "error"]


@pytest.mark.parametrize("name", PROJECT_SETS)
def test_project_gold_agrees_with_the_parsed_corpus(corpus, name):
    """Every gold line lies in a paragraph, a note or the heading of a parsed document."""
    from assistant.evaluation.harness import gold_warnings

    questions = load_questions(PROJECT_ROOT / "eval" / name)
    assert gold_warnings(questions, corpus) == []


def test_heldout_set_has_the_mix_of_the_project_set():
    """80 questions of every kind, in both languages, with their own ids."""
    heldout = load_questions(PROJECT_ROOT / "eval" / "heldout.jsonl")
    own = {q.id for q in load_questions(PROJECT_ROOT / "eval" / "questions.jsonl")}
    assert len(heldout) == 80 and not own & {q.id for q in heldout}
    assert {q.kind for q in heldout} == set(KINDS) and {q.language for q in heldout} == {"fr", "en"}
    assert sum(q.kind == "unanswerable" for q in heldout) == 20


def test_heading_gold_is_marked(corpus):
    from assistant.evaluation.harness import DocumentLocator, gold_items

    q001 = next(q for q in load_questions(PROJECT_ROOT / "eval" / "questions.jsonl")
                if q.id == "q001")
    (gold,) = gold_items(q001, DocumentLocator(corpus))
    assert gold.heading and gold.doc_id == "000-001"
