"""Chain wiring with a hand-made retriever and LangChain's fake chat model (no index needed),
then follow-ups on the real index."""

from __future__ import annotations

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from assistant import chain
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.phrases import UNCERTAIN
from assistant.config import Settings
from assistant.errors import AssistantError, QuestionError
from assistant.types import Answer, ChainState, Chunk

from conftest import FakeRetriever, fake_chat_model

ARCHIVES = (
    "J'en viens maintenant de nouveau à ma proposition concer nant la vente des archives. Nous "
    "ne sommes pas obligés de nous borner aux archives de l'enquête. Toutes ces choses seraient "
    "bien mieux conservées dans un musée qu'en ma possession privée."
)
NOTE = (
    "Trotsky avait été autorisé, en quittant !'U.R.S.S., à emporter ses archives p-:rsonnelles "
    "qui n·avaient cessé de s'enrichir depuis. Il pensait à juste titre pouvoir y intéresser une "
    "université américaine."
)


def unit(n: int, text: str, *, footnote: int | None = None) -> Chunk:
    return Chunk(
        id=f"004-003:{'n' if footnote else 't'}{n}", doc_id="004-003",
        file="004_7eda2118eecd96f1.txt", type="footnote" if footnote else "text", text=text,
        header="[LA VENTE DES ARCHIVES] 5 janvier 1938", embed_text=text, line_start=790 + n,
        line_end=800 + n, pages=(38,), footnote=footnote, title="[LA VENTE DES ARCHIVES]",
        date="1938-01-05", sender="Léon Trotsky", recipient="Jan Frankel", doc_kind="letter",
    )


@pytest.fixture
def fake_retriever() -> FakeRetriever:
    return FakeRetriever([unit(1, ARCHIVES), unit(2, NOTE, footnote=4)])


fake_llm = fake_chat_model


SETTINGS = Settings()


def test_llm_answer_is_post_processed(fake_retriever):
    reply = ("Trotsky veut vendre ses archives : « Toutes ces choses seraient bien mieux "
             "conservees dans un musee » [1]. Voir aussi [7]. La note dit « Trotsky brûla ses "
             "archives en 1929 » [2].")
    answer = chain.ask("Que voulait faire Trotsky de ses archives ?", retriever=fake_retriever,
                       llm=fake_llm(reply), settings=SETTINGS, mode="llm")
    assert answer.mode == "llm" and not answer.refused
    assert "[7]" not in answer.text and "Voir aussi." in answer.text
    assert [(c.n, c.unit_id, c.verified) for c in answer.citations] == [
        (1, "004-003:t1", True), (2, "004-003:n2", False)]
    assert answer.citations[0].quote.startswith("Toutes ces choses seraient bien mieux conservées")
    assert answer.citations[1].footnote == 4
    assert set(answer.timings) >= {"condense", "retrieve", "answer", "cite", "total"}


def test_nothing_verified_is_visible(fake_retriever):
    answer = chain.ask("Que voulait faire Trotsky de ses archives ?", retriever=fake_retriever,
                       llm=fake_llm("Il les a vendues à Harvard pour 1000 dollars [1]."),
                       settings=SETTINGS, mode="llm")
    assert answer.citations and not answer.verified


def test_llm_refusal_phrase_sets_refused(fake_retriever):
    answer = chain.ask("Que voulait faire Trotsky de ses archives ?", retriever=fake_retriever,
                       llm=fake_llm("Le corpus ne contient pas de réponse à cette question."),
                       settings=SETTINGS, mode="llm")
    assert answer.refused and not answer.citations and answer.see_also


def test_stream_yields_growing_text_then_the_answer(fake_retriever):
    reply = "Selon la lettre, « Nous ne sommes pas obligés de nous borner aux archives » [1]."
    items = list(chain.stream_ask("What about the archives of Trotsky?",
                                  retriever=fake_retriever, llm=fake_llm(reply),
                                  settings=SETTINGS, mode="llm"))
    texts, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and final.language == "en"
    assert len(texts) > 3 and all(isinstance(t, str) for t in texts)
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:], strict=False))
    assert texts[-1] == reply and final.citations[0].verified


def test_steps_are_named_runnables_in_order(fake_retriever):
    class Names(BaseCallbackHandler):
        def __init__(self):
            self.names = []

        def on_chain_start(self, serialized, inputs, **kwargs):
            self.names.append(kwargs.get("name"))

    handler = Names()
    built = chain.build_chain(retriever=fake_retriever, settings=SETTINGS)
    state = ChainState(question="Les archives ?")
    built.invoke(state, config={"callbacks": [handler]})
    assert handler.names == ["ask", "prepare", "condense", "retrieve", "answer", "cite"]


def test_extractive_answer_quotes_and_cites_without_llm(fake_retriever):
    answer = chain.ask("Où les archives seraient-elles mieux conservées ?",
                       retriever=fake_retriever, settings=SETTINGS)
    assert answer.mode == "extractive" and answer.citations
    assert all(c.verified for c in answer.citations)
    assert "musée" in answer.text and answer.text.count("«") == answer.text.count("»")


def test_k_widens_what_is_retrieved_never_what_the_answer_reads():
    """The evaluation retrieves 10 units for its ranking metrics; the answer must still be the
    one users get, built from the first `answer.sources` (a smaller k narrows both)."""
    sources = SETTINGS.answer.sources
    retriever = FakeRetriever([unit(1, ARCHIVES)] * (sources + 4)
                              + [unit(99, "Le musée des archives conservera mieux ces choses.")])
    wide = chain.ask("Où les archives seraient-elles mieux conservées ?", retriever=retriever,
                     settings=SETTINGS, k=sources + 5)
    assert len(wide.hits) == sources + 5
    assert all(c.line_start != 790 + 99 for c in wide.citations)  # the 11th unit is not read
    narrow = chain.ask("Où les archives seraient-elles mieux conservées ?", retriever=retriever,
                       settings=SETTINGS, k=2)
    assert len(narrow.hits) == 2


@pytest.mark.parametrize("question", ["", "   \n\t ", "?!… ;", "\u200b\u200d"])
def test_empty_questions_are_refused_with_a_clear_error(fake_retriever, question):
    with pytest.raises(QuestionError, match="question"):
        chain.ask(question, retriever=fake_retriever, settings=SETTINGS)


def test_long_question_is_truncated_and_control_characters_stripped(fake_retriever):
    question = "Que voulait faire\x07 Trotsky\u200b de ses archives ? " + "archives " * 3000
    answer = chain.ask(question, retriever=fake_retriever, settings=SETTINGS)
    limit = SETTINGS.answer.max_question_chars
    assert len(answer.question) <= limit and "\x07" not in answer.question
    assert "Trotsky de ses archives" in answer.question
    assert any(str(limit) in notice for notice in answer.notices)


def test_other_script_gets_a_best_effort_answer(fake_retriever):
    answer = chain.ask("Что Троцкий хотел сделать со своими архивами?", retriever=fake_retriever,
                       settings=SETTINGS)
    assert answer.language == "en" and answer.notices


def test_llm_mode_without_a_model_says_how_to_configure_one(fake_retriever):
    with pytest.raises(AssistantError, match="--llm"):
        chain.ask("Les archives ?", retriever=fake_retriever, settings=SETTINGS, mode="llm")


def test_follow_up_is_rewritten_before_retrieval(fake_retriever):
    first = chain.ask("Que proposait Trotsky pour ses archives ?", retriever=fake_retriever,
                      settings=SETTINGS)
    second = chain.ask("Et quand l'a-t-il proposé ?", [first], retriever=fake_retriever,
                       settings=SETTINGS)
    assert fake_retriever.queries[-1] == second.standalone_question
    assert second.standalone_question.startswith("Et quand l'a-t-il proposé ?")
    assert "archives" in second.standalone_question and "Jan Frankel" in second.standalone_question


def test_follow_up_rewritten_by_the_llm(fake_retriever):
    first = chain.ask("Que proposait Trotsky pour ses archives ?", retriever=fake_retriever,
                      settings=SETTINGS)
    model = fake_llm("Quand Trotsky a-t-il proposé de vendre ses archives ?",
                     "« J'en viens maintenant de nouveau à ma proposition » [1]")
    second = chain.ask("Et quand l'a-t-il proposé ?", [first], retriever=fake_retriever,
                       llm=model, settings=SETTINGS, mode="llm")
    assert second.standalone_question == "Quand Trotsky a-t-il proposé de vendre ses archives ?"
    assert fake_retriever.queries[-1] == second.standalone_question
    assert second.citations[0].verified


def test_a_follow_up_passes_the_previous_answer_as_prior(fake_retriever):
    first = chain.ask("Que proposait Trotsky pour ses archives ?", retriever=fake_retriever,
                      settings=SETTINGS)
    chain.ask("Et quand l'a-t-il proposé ?", [first], retriever=fake_retriever, settings=SETTINGS)
    prior = fake_retriever.priors[-1]
    assert prior.documents == ("004-003",)
    assert not fake_retriever.priors[0]  # a first question has none


@pytest.mark.parametrize(("request_text", "lead", "units"), [
    ("Montre-moi la lettre entière.", "Le document entier", ["004-003:t1"]),
    ("Et la note ?", "Les notes de l'éditeur", ["004-003:n2"]),
    ("Peux-tu la traduire en anglais ?", "Je ne traduis pas sans modèle de langue",
     ["004-003:t1", "004-003:n2"]),
])
def test_requests_about_the_previous_answer_are_answered_from_it(
        fake_retriever, request_text, lead, units):
    first = chain.ask("Que proposait Trotsky pour ses archives ?", retriever=fake_retriever,
                      settings=SETTINGS)
    searched = len(fake_retriever.queries)
    answer = chain.ask(request_text, [first], retriever=fake_retriever, settings=SETTINGS)
    assert len(fake_retriever.queries) == searched  # no new search
    assert answer.text.startswith(lead) and not answer.refused
    assert [c.unit_id for c in answer.citations] == units
    assert all(c.verified for c in answer.citations)
    assert answer.standalone_question == request_text
    assert any("réponse précédente" in notice for notice in answer.notices)


def test_the_notice_says_what_was_understood(fake_retriever):
    answer = chain.ask("Que dit la lettre à Jan Frankel du 5 janvier 1938 ?",
                       retriever=fake_retriever, settings=SETTINGS)
    assert "Recherche d'abord dans : lettres à ou de Jan Frankel, 5 janvier 1938" in answer.notices


# --- On the real index ----------------------------------------------------------------------

@pytest.mark.slow
def test_follow_up_on_the_real_index(services):
    first = services.ask("Qui était Jan Frankel ?")
    second = services.ask("Quand a-t-il été son secrétaire ?", [first])
    assert "Frankel" in second.standalone_question
    cited = [(c.file, c.line_start, c.line_end, c.footnote) for c in second.citations]
    assert any(start <= 810 <= end for _, start, end, _ in cited), cited


def test_weak_evidence_is_uncertain_with_the_closest_passages_cited(fake_retriever):
    answer = chain.ask("Quelle est la couleur de la maison ?", retriever=fake_retriever,
                       settings=SETTINGS)
    assert answer.status == "uncertain" and not answer.refused
    assert answer.text.startswith(UNCERTAIN["fr"])
    assert answer.citations and all(c.verified for c in answer.citations)


def test_what_the_corpus_never_mentions_is_not_in_the_corpus(fake_retriever):
    stats = CorpusStats.from_chunks(fake_retriever.chunks)
    answer = chain.ask("Que pensait Léon Einstein des archives ?", retriever=fake_retriever,
                       settings=SETTINGS, stats=stats)
    assert answer.status == "not_in_corpus" and answer.refused
    assert "Einstein" in answer.text and not answer.citations and answer.see_also


def test_a_confident_answer_is_answered(fake_retriever):
    stats = CorpusStats.from_chunks(fake_retriever.chunks)
    answer = chain.ask("Où les archives seraient-elles mieux conservées ?",
                       retriever=fake_retriever, settings=SETTINGS, stats=stats)
    assert answer.status == "answered" and not answer.refused


def test_dense_rerank_embeds_the_best_sentences_with_the_given_embedder(fake_retriever,
                                                                         fake_embedder):
    evidence = SETTINGS.answer.evidence.model_copy(update={"dense_rerank": 4})
    settings = SETTINGS.model_copy(update={"answer": SETTINGS.answer.model_copy(
        update={"evidence": evidence})})
    answer = chain.ask("Où les archives seraient-elles mieux conservées ?",
                       retriever=fake_retriever, settings=settings, embedder=fake_embedder)
    assert answer.status == "answered" and answer.citations
    assert all(c.verified for c in answer.citations)
    assert 2 <= len(fake_embedder.passages) <= 4  # the best candidate sentences, once each


def test_the_next_and_previous_documents_are_found_by_date():
    from assistant.answer.previous import neighbour

    def letter(doc_id: str, date: str | None, kind: str = "letter") -> Chunk:
        return unit(1, ARCHIVES).model_copy(
            update={"id": f"{doc_id}:t1", "doc_id": doc_id, "date": date, "doc_kind": kind})

    chunks = [letter("000-001", "1936-09-03"), letter("002-001", "1933-11"),
              letter("004-010", "1938-01-05", "article"), letter("001-001", "1937-01-16")]
    assert neighbour(chunks[0], chunks, step=1) == "001-001"
    assert neighbour(chunks[0], chunks, step=-1) == "002-001"
    assert neighbour(chunks[3], chunks, step=1) is None  # the article is another kind
    first = chain.ask("Que proposait Trotsky pour ses archives ?",
                      retriever=FakeRetriever(chunks[:1]), settings=SETTINGS)
    answer = chain.ask("Which letter came next?", [first], retriever=FakeRetriever(chunks),
                       settings=SETTINGS)
    assert answer.text.startswith("The next document") and not answer.refused
    assert [c.doc_id for c in answer.citations] == ["001-001"]


def _hit_of(doc: str, rank: int):
    from assistant.types import Hit
    chunk = Chunk(id=f"{doc}:t{rank}", doc_id=doc, file="f.txt", type="text", text="x",
                  header="", embed_text="x", line_start=rank, line_end=rank)
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank)


@pytest.mark.parametrize(("docs", "per_document", "read"), [
    # one letter fills the first six places: its fourth and later give way to other documents
    (["a", "a", "a", "a", "a", "b", "a", "c"], 3, [1, 2, 3, 6, 8]),
    # too few other documents among the pool: more of the best one
    (["a", "a", "a", "a", "a", "a", "a", "a"], 3, [1, 2, 3, 4, 5]),
    # no cap
    (["a", "a", "a", "a", "a", "b", "a", "c"], 6, [1, 2, 3, 4, 5]),
])
def test_the_answerer_reads_at_most_per_document_units_of_one_document(docs, per_document, read):
    hits = [_hit_of(doc, rank) for rank, doc in enumerate(docs, start=1)]
    options = Settings().answer.model_copy(update={"per_document": per_document,
                                                   "source_pool": 8})
    assert [h.rank for h in chain.sources_read(hits, 5, options)] == read


def _hits(*numbers: int) -> tuple:
    from assistant.types import Hit

    return tuple(Hit(chunk=unit(n, ARCHIVES), score=1.0, rank=i)
                 for i, n in enumerate(numbers, start=1))


def test_each_part_of_a_question_brings_its_own_best_new_source():
    searched: list[str] = []

    def search(part):
        searched.append(part)
        return {"what does a say": _hits(1, 2), "what does b report": _hits(1, 7, 8)}[part]

    read = _hits(1, 2, 3, 4)
    sources = chain.with_part_sources(read, ["what does a say", "what does b report"], search)
    # the first part's hits are all read already; the second's first new one, 7, takes the
    # last source's place
    assert [h.chunk.id for h in sources] == [h.chunk.id for h in _hits(1, 2, 3, 7)]
    assert searched == ["what does a say", "what does b report"]
    # a question that asks one thing is not searched again
    assert chain.with_part_sources(read, ["what does a say"], search) == read
    assert len(searched) == 2


def test_the_best_source_always_stays():
    sources = chain.with_part_sources(_hits(1), ["a b", "c d"], lambda part: _hits(5, 6))
    assert [h.chunk.id for h in sources] == [h.chunk.id for h in _hits(1)]


def test_the_passages_shown_open_on_the_ones_the_answer_quotes():
    """Search ranks an unrelated passage first; the answer quotes the second, which is then
    shown first, the rest keeping their search order and their number."""
    retriever = FakeRetriever([unit(3, "Le temps était beau ce jour-là sur la côte mexicaine."),
                               unit(1, ARCHIVES), unit(4, "Il écrivit le soir même à Frankel.")])
    answer = chain.ask("Où les archives seraient-elles mieux conservées ?", retriever=retriever,
                       settings=SETTINGS, k=3)
    cited = [c.unit_id for c in answer.citations]
    assert cited and cited[0] == unit(1, ARCHIVES).id
    shown = [hit.chunk.id for hit in answer.hits]
    assert shown[0] == cited[0]
    assert sorted(shown) == sorted(c.id for c in retriever.chunks)
    assert [hit.rank for hit in answer.hits] == [1, 2, 3]
