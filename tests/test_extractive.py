"""The extractive answerer on the real index, and the renderers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.answer.citations import check_quote, is_refusal
from assistant.answer.compose import MAX_QUOTE_CHARS, clip, compose, framing
from assistant.answer.language import detect_language
from assistant.answer.phrases import UNCERTAIN
from assistant.answer.render import to_text
from assistant.types import Answer, Chunk, Citation, Hit

TROTSKY = "004_7eda2118eecd96f1.txt"


def _spans(answer: Answer) -> list[tuple[str, int, int, int | None]]:
    return [(c.file, c.line_start, c.line_end, c.footnote) for c in answer.citations]


@pytest.mark.slow
def test_who_was_stolberg_cites_the_editors_note_4(services):
    answer = services.ask("Qui était Benjamin Stolberg ?")
    assert not answer.refused and answer.language == "fr"
    first = answer.citations[0]
    assert (first.file, first.footnote) == (TROTSKY, 4), _spans(answer)
    assert first.line_start <= 659 <= first.line_end
    assert first.date == "1938-01-02" and first.verified
    assert "Stolberg" in first.quote
    assert answer.text.startswith("La note 4 de l'éditeur")
    assert "n. 4" in first.reference and "2 janvier 1938" in first.reference


@pytest.mark.slow
def test_archives_question_in_english_cites_the_letter_to_frankel(services):
    answer = services.ask("What did Trotsky propose to do with his archives?")
    assert not answer.refused and answer.language == "en"
    # Since the evidence model, an editor's note on Sedov's archives may be quoted first: the
    # letter to Frankel must be quoted and cited, not necessarily as [1].
    letter = next(c for c in answer.citations if c.recipient == "Jan Frankel")
    assert (letter.file, letter.date) == (TROTSKY, "1938-01-05") and letter.verified
    assert 784 <= letter.line_start <= letter.line_end <= 825, _spans(answer)
    assert "the letter to J. Frankel of 5 January 1938" in answer.text
    assert "archives" in letter.quote
    assert all(c.verified for c in answer.citations)


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "Who won the 1938 football World Cup?",
    "Quelle est la recette de la tarte aux pommes ?",
    # near misses (not in the evaluation set): the letters speak of the house and the trials,
    # but never give the colour or Mercader's verdict. ("le troisième fils" went with the
    # ordinal check, which changed nothing on h041-h080.)
    "Quelle est la couleur de la maison de Trotsky à Coyoacán ?",
    "Quel fut le verdict du procès de Mercader ?",
])
def test_unanswerable_questions_are_not_answered_with_confidence(services, question):
    """Weak evidence gives the closest passages under a clear label ('uncertain'), never a
    claim that the corpus is silent unless it never mentions what is named."""
    answer = services.ask(question)
    assert answer.status in ("uncertain", "not_in_corpus"), answer.text
    assert answer.refused is (answer.status == "not_in_corpus")
    if answer.status == "uncertain":
        assert answer.text.startswith(UNCERTAIN[answer.language]) and answer.citations
        assert all(c.verified for c in answer.citations)
    else:
        assert not answer.citations and answer.see_also


@pytest.mark.slow
def test_the_ordinal_the_sources_hold_is_answered(services):
    """The pair of the "première femme" near miss: "seconde" is what note 2 says."""
    answer = services.ask("Quelle était la seconde femme de Trotsky ?")
    assert not answer.refused, answer.text
    assert "Sedova" in answer.citations[0].quote and answer.citations[0].footnote == 2


@pytest.mark.slow
def test_every_quote_is_verbatim_and_verified(services):
    for question in ("Que pensait Trotsky de Vereeken ?", "Why did Bukharin write to Voroshilov?"):
        answer = services.ask(question)
        assert not answer.refused, question
        for citation in answer.citations:
            assert citation.verified and citation.quote, (question, citation)


@pytest.mark.slow
def test_rendering_a_real_answer(services):
    answer = services.ask("Qui était Benjamin Stolberg ?")
    text = to_text(answer)
    reference = answer.citations[0].reference
    assert f"[1] {reference} ({TROTSKY}:" in text and "vérifiée" in text


# --- Pure parts -----------------------------------------------------------------------------

@dataclass
class _Quoted:
    source: int
    start: int
    end: int
    score: float


def _chunk(**update) -> Chunk:
    base = dict(id="004-002:t1", doc_id="004-002", file=TROTSKY, type="text", text="x",
                header="", embed_text="x", line_start=784, line_end=800, title="[LA VENTE DES "
                "ARCHIVES]", date="1938-01-05", sender="L. Trotsky", recipient="Jan Frankel",
                doc_kind="letter")
    return Chunk(**(base | update))


@pytest.mark.parametrize(
    ("update", "language", "expected"),
    [({}, "fr", "Dans la lettre à J. Frankel du 5 janvier 1938, Trotsky écrit :"),
     ({}, "en", "In the letter to J. Frankel of 5 January 1938, Trotsky writes:"),
     ({"type": "footnote", "footnote": 4}, "fr",
      "La note 4 de l'éditeur sur la lettre à J. Frankel du 5 janvier 1938 précise :"),
     ({"type": "footnote", "footnote": 4}, "en",
      "The editor's note 4 to the letter to J. Frankel of 5 January 1938 says:"),
     ({"doc_kind": "article", "recipient": None, "title": "CRONSTADT", "date": "1938-01"}, "fr",
      "Dans l'article « CRONSTADT » de janvier 1938, Trotsky écrit :")],
)
def test_framing_names_the_document(update, language, expected):
    assert framing(_chunk(**update), language, same_document=False) == expected


def test_long_sentences_are_clipped_at_a_clause():
    sentence = "Premier membre, " + "mot " * 150 + "fin."
    clipped = clip(sentence, 200)
    assert len(clipped) <= 202 and clipped.endswith(" …")


# Note 4 of the letter to B. Wolfe of 17 January 1938 (004:2907-2913), one quotation of two
# sentences (the second opens on "Il", so it comes with its antecedent).
MUSTE = (
    "Abraham Johannes Muste (1885-1967), pasteur, venu au mouvement ouvrier lors des grèves de "
    "1918, avait été pendant une dizaine d'années directeur pédagogique du Collège ouvrier de "
    "Brookwood, puis avait animé le Committee for Progressive Labor Action (C.P.L.A.) et "
    "l'American Workers Party, qui avait fusionné avec la C.L.A. trotskyste pour former le "
    "Workers Party of the United 'itates (W.P.U.S.) dont il fut secrétaire. Il avait visité "
    "Trotsky à H0nefoss en 1936, puis, au lendemain de la conférence « de Genève », avait "
    "retrouvé sa foi chrétienne au cours d'une visite à Notre-Dame de Paris."
)


@pytest.mark.parametrize(
    ("focus", "starts", "holds", "ends"),
    [
        # The answer ends the quotation: its sentence is kept, after the subject.
        ({"must": 4.0, "foi": 5.0, "chretien": 4.0, "pastorat": 6.0},
         "Abraham Johannes Muste (1885-1967) … Il avait visité Trotsky",
         "sa foi chrétienne au cours d'une visite à Notre-Dame de Paris.", ""),
        # What is asked stands in the opening: the opening is kept, as without a focus.
        ({"brookwood": 6.0}, "Abraham Johannes Muste (1885-1967), pasteur,", "Brookwood", " …"),
        (None, "Abraham Johannes Muste (1885-1967), pasteur,", "American Workers Party", " …"),
        # A little more further on (a common word) is not worth losing the opening for.
        ({"brookwood": 3.0, "secretair": 0.5}, "Abraham Johannes Muste (1885-1967), pasteur,",
         "Brookwood", "American Workers Party …"),
    ],
)
def test_long_quotations_keep_the_clauses_the_question_asks_for(focus, starts, holds, ends):
    clipped = clip(MUSTE, 450, focus)
    assert len(clipped) <= 452
    assert clipped.startswith(starts) and holds in clipped and clipped.endswith(ends or ".")
    # Every piece between ellipses is verbatim source text: the quotation verifies.
    assert all(piece.strip() in MUSTE for piece in clipped.split("…") if piece.strip())
    assert check_quote(clipped, MUSTE).verified


def test_a_merged_quotation_keeps_the_room_of_each_of_its_sentences():
    """Two quoted sentences that meet (a sentence's sequel reaching the next one quoted) become
    one quotation, which is not cut shorter than the two would be apart."""
    first = "Trotsky écrit longuement sur les archives, " * 8 + "et il conclut."
    second = "La vente se fit pour une somme précise, " * 8 + "soit 500 dollars."
    text = f"{first} {second}"
    chunk = _chunk(text=text, type="text")
    spans = [_Quoted(0, 0, len(first), 1.0), _Quoted(0, len(first) + 1, len(text), 0.5)]
    assert len(first) < MAX_QUOTE_CHARS < len(text)
    _, quotes = compose(spans, [Hit(chunk=chunk, score=1.0, rank=1)], "fr")
    assert quotes == (" ".join(text.split()),)


@pytest.mark.parametrize(
    ("question", "language"),
    [("Qui était Benjamin Stolberg ?", "fr"), ("What did Trotsky propose?", "en"),
     ("Quand Trotsky a-t-il écrit à Cannon ?", "fr"), ("Who was Jan Frankel?", "en"),
     ("Stolberg", "fr")],
)
def test_language_detection(question, language):
    assert detect_language(question) == language


def test_refusal_and_unverified_rendering():
    citation = Citation(n=1, unit_id="004-002:t1", doc_id="004-002", file=TROTSKY, line_start=784,
                        line_end=800, quote="Toutes ces choses", reference="L. Trotsky, lettre")
    unverified = Answer(question="q", standalone_question="q", language="en", text="Claim [1].",
                        citations=(citation,))
    assert "no citation in this answer could be verified" in to_text(unverified)
    assert "unverified" in to_text(unverified)
    uncited = unverified.model_copy(update={"citations": (), "text": "Il les a vendues."})
    assert "this answer cites no source" in to_text(uncited)
    refused = Answer(question="q", standalone_question="q", language="fr", refused=True,
                     text="Le corpus ne contient pas de réponse à cette question.",
                     see_also=(citation,), notices=("Recherche limitée : after 1938-02-01",))
    text = to_text(refused)
    assert "Passages les plus proches (non cités)" in text and "Sources" not in text
    assert "(Recherche limitée : after 1938-02-01)" in text


@pytest.mark.slow
@pytest.mark.parametrize(("question", "says"), [
    ("What did Trotsky write to Albert Einstein about the Moscow trials?",
     "It never mentions “Albert Einstein”."),
    ("Que pensait Trotsky des accords de Munich signés en septembre 1938 ?",
     "Il ne mentionne nulle part « septembre 1938 »."),
])
def test_what_the_corpus_never_mentions_is_refused_and_named(services, question, says):
    answer = services.ask(question)
    assert answer.refused and not answer.citations
    assert answer.text.endswith(says) and is_refusal(answer.text)
    assert answer.see_also  # the closest passages are still shown, uncited


@pytest.mark.slow
def test_a_when_question_opens_on_the_date_quoted_from_its_source(services):
    answer = services.ask("Quand Kirov a-t-il été assassiné ?")
    assert answer.status == "answered"
    assert answer.text.startswith("En bref : « 1er décembre 1934 » [1]"), answer.text[:200]
    first = answer.citations[0]
    # the citation keeps the sentence the date comes from, not the bare date
    assert first.verified and first.footnote == 29
    assert "1er décembre 1934" in first.quote and "Kirov" in first.quote, first.quote


@pytest.mark.slow
def test_each_part_of_a_two_part_question_is_answered(services):
    # The novel is in Trotsky's letters; its illustrator in another sentence, which the whole
    # question's words rank below the novel's other sentences.
    answer = services.ask("Quel roman d'un jeune communiste allemand Trotsky veut-il faire "
                          "publier en Amérique, et qui devait l'illustrer ?")
    assert answer.status == "answered"
    assert "Weiss" in answer.text and "Rivera" in answer.text
    assert all(c.verified for c in answer.citations)


@pytest.mark.slow
def test_a_part_without_a_name_is_answered_by_a_sentence_with_its_own_words(services):
    # "…, et de quoi leur auteur serait-il mort ?" names nobody: scored as a follow-up of the
    # whole question, the thesis sentence already quoted would win it again. The editor's
    # note on Kouibytchev holds the part's own words (mort, officielles) and is quoted too.
    answer = services.ask("À la fin de 1925, Boukharine trouve que les thèses de Kouïbychev "
                          "« sentent l'appareil ». Quel organisme concernaient-elles, et de quoi "
                          "leur auteur serait-il mort selon la version officielle rapportée par "
                          "l'éditeur ?")
    assert "CCC" in answer.text and "sclérose cardiaque" in answer.text, answer.text[:600]
    assert {"003-001", "004-062"} <= {c.doc_id for c in answer.citations}


@pytest.mark.slow
def test_a_comparisons_second_part_finds_the_second_document(services):
    # The whole question's words describe Bukharin's letter; Trotsky's account of the
    # interrogation (document 004-060) is read because its part is searched on its own.
    answer = services.ask("Que dit Boukharine, dans son brouillon de lettre à Staline, de ses "
                          "rapports avec Mratchkovski, et que rapporte Trotsky sur la manière "
                          "dont Mratchkovsky fut interrogé avant son procès ?")
    assert {"001-001", "004-060"} <= {c.doc_id for c in answer.citations}
    assert "quatre-vingt-dix heures" in answer.text
