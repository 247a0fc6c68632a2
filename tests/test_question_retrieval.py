"""Retrieval that reads the question, on the real corpus and index (built once by conftest):
soft metadata boosts, French words for English questions, follow-ups answered from the
previous answer."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.fusion import FEATURES, Prior

pytestmark = pytest.mark.slow


def test_the_corpus_correspondents_are_recognised_in_both_spellings(retriever):
    for question in ("Dans sa lettre à Vorochilov, que demande Boukharine ?",
                     "In his letter to Voroshilov, what does Bukharin ask?"):
        analysis = retriever.analyse(question)
        assert "K. Vorochilov" in analysis.correspondents
        assert retriever.metadata.narrows("K. Vorochilov")
    assert not retriever.metadata.narrows("L. Trotsky")  # the volume's author: every document


def test_boosts_favour_the_named_letter_and_never_remove_a_candidate(retriever):
    question = "What did Bukharin write to Voroshilov on 3 September 1936?"
    analysis = retriever.analyse(question)
    units, rows = retriever.candidates(question)
    date_day = rows[:, FEATURES.index("date_day")]
    assert date_day.any()
    assert {retriever.chunks[u].date for u in units[date_day > 0]} == {"1936-09-03"}
    hits = retriever.search(question, k=3, mode="hybrid", analysis=analysis)
    assert all(hit.chunk.file.startswith("000") for hit in hits), [h.chunk.id for h in hits]
    lexical, dense = retriever.rankings(question, analysis=analysis)
    plain = {u for u, _ in lexical} | {u for u, _ in dense}
    assert set(units.tolist()) == plain  # boosts reorder the candidates, never filter them


def test_english_words_get_french_translations_in_bm25(retriever):
    analysis = retriever.analyse("Why did Trotsky want to sell his archives?")
    groups = retriever.translations(analysis)
    assert any("vendre" in group for group in groups), groups
    lexical = retriever.index.lexical
    plain = lexical.scores(analysis.text)
    translated = lexical.scores(analysis.text, translations=groups, translation_weight=0.5)
    assert (translated >= plain - 1e-6).all() and (translated > plain + 1e-6).any()
    french = retriever.analyse("Pourquoi Trotsky voulait-il vendre ses archives ?")
    assert retriever.translations(french) == []  # French questions are searched as written


def test_the_prior_favours_the_previous_documents(retriever):
    question = "Et quand était-ce ?"
    units, rows = retriever.candidates(question, prior=Prior(("004-003",)))
    column = rows[:, FEATURES.index("prior_document")]
    assert set(np.array([retriever.chunks[u].doc_id for u in units])[column > 0]) <= {"004-003"}


def test_a_notice_says_what_was_understood(services):
    answer = services.ask("In his September 1936 letter to Voroshilov, what does Bukharin "
                          "complain about?")
    notice = next(n for n in answer.notices if n.startswith("Looking first in"))
    assert "letters to or from K. Vorochilov" in notice and "September 1936" in notice
    assert notice.count("Boukharine") == 1  # N. and N. I. Boukharine are one person


def test_the_whole_letter_and_its_note_come_from_the_previous_answer(services):
    first = services.ask("Qui était Jan Frankel ?")
    whole = services.ask("Montre-moi la lettre entière.", [first])
    assert not whole.refused and whole.citations
    assert {c.doc_id for c in whole.citations} == {first.citations[0].doc_id}
    assert all(c.verified and c.footnote is None for c in whole.citations)
    notes = services.ask("Et la note ?", [first])
    assert notes.citations and all(c.footnote is not None for c in notes.citations)
    translated = services.ask("Can you translate it into English?", [first])
    assert translated.text.startswith("I cannot translate without a language model")
    assert [c.unit_id for c in translated.citations] == [c.unit_id for c in first.citations]


def test_the_next_letter_comes_from_the_previous_answer(services):
    first = services.ask("Que dit Boukharine à Vorochilov dans sa lettre du 3 septembre 1936 ?")
    assert first.citations[0].doc_id == "000-001"
    after = services.ask("Which letter came next?", [first])
    assert after.text.startswith("The next document") and {c.date for c in after.citations} == {
        "1937-01-16"}


BILINGUAL_EN_HIT5_MIN, BILINGUAL_EN_MRR_MIN = 0.80, 0.60  # measured 0.85 and 0.669
BILINGUAL_FR_HIT5_MIN = 0.90  # measured 0.95


def test_english_against_french_on_the_same_facts(services):
    """eval/bilingual.jsonl asks 20 development facts in both languages (retrieval only). The
    gap was 0.80 against 0.95 at hit@5 and 0.53 against 0.90 in MRR before the question was
    read; gates sit one question under the measured figures."""
    from assistant.evaluation import harness
    from assistant.evaluation.questions import load_questions

    path = services.settings.eval.questions.with_name("bilingual.jsonl")
    result = harness.run(load_questions(path), retriever="hybrid",
                         services=services, k=10, answers=False)
    english, french = result["by_language"]["en"], result["by_language"]["fr"]
    assert english["hit@5"] >= BILINGUAL_EN_HIT5_MIN, english
    assert english["mrr"] >= BILINGUAL_EN_MRR_MIN, english
    assert french["hit@5"] >= BILINGUAL_FR_HIT5_MIN, french
