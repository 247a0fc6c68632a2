"""What a question asks for, and the plain signs that the sources read do not hold it
(table-driven on hand-made sources; the refusals on the real index are in test_extractive
and the evaluation gate)."""

from __future__ import annotations

import pytest

from assistant.answer.asked import ParsedQuestion
from assistant.answer.asks import Asks, absent_from_corpus, contradictions
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.scoring import candidates_of
from assistant.types import Chunk, Hit


@pytest.mark.parametrize(("question", "expected"), [
    ("Quel est le titre du livre antifasciste ?", Asks(attribute="titre", complement="livre")),
    ("Combien de voix Marceau Pivert a-t-il obtenues ?", Asks(attribute="voix")),
    ("Combien d'habitants comptait Coyoacán ?", Asks(attribute="habitants")),
    ("Quel prix Harvard a-t-elle payé ?", Asks(attribute="prix")),
    ("What was the verdict of the Swiss trial?", Asks(attribute="verdict")),
    ("How many votes did the SWP get?", Asks(attribute="votes")),
    # adjectives come first in English: "what suspicious incident" names no attribute
    ("What suspicious incident made Trotsky leave?", Asks()),
    # generic attributes and names are not judged
    ("À quelle date l'Anschluss a-t-il été proclamé ?", Asks()),
    ("Quel numéro de Partisan Review Trotsky attendait-il ?", Asks(attribute="numero")),
    ("Qui était Benjamin Stolberg ?", Asks()),
])
def test_what_a_question_asks(question, expected):
    assert Asks.of(question) == expected


def unit(n: int, text: str, *, sender: str = "L. Trotsky", footnote: int | None = None) -> Hit:
    chunk = Chunk(
        id=f"004-009:t{n}", doc_id="004-009", file="004_7eda2118eecd96f1.txt",
        type="footnote" if footnote else "text", text=text, header="", embed_text=text,
        line_start=10 * n, line_end=10 * n + 5, pages=(40,), footnote=footnote,
        title="Lettre", date="1938-01-10", sender=sender, recipient="J. Frankel",
        doc_kind="letter",
    )
    return Hit(chunk=chunk, score=1.0 / n, rank=n)


SEDOVA = "Natalia I. Sedova (1882-1962) était la seconde femme de Trotsky, la mère de ses fils."
BOOK = "Je t'envoie le livre antifasciste, du moins la partie achevée, avec cette lettre."
KIROV = "Kirov fut assassiné à Léningrad le 1er décembre 1934 par Nikolaiev."
UNION = "Le N.A.S. de Sneevliet a perdu ces dernières années 12 000 membres."


@pytest.mark.parametrize(("question", "language", "texts", "sender", "signs"), [
    # the asked attribute is in no source: a title is asked, the letter only names "le livre"
    ("Quel est le titre du livre antifasciste ?", "fr", [BOOK], "N. Boukharine",
     ["nothing on 'titre'"]),
    ("Quel livre Boukharine envoya-t-il ?", "fr", [BOOK], "N. Boukharine", []),
    ("Quel prix Harvard a-t-elle payé pour les archives ?", "fr", [BOOK], "L. Trotsky",
     ["nothing on 'prix'"]),
    # an English cognate is judged; an English word with no French relative is not
    ("What was the verdict of the trial?", "en", [SEDOVA], "L. Trotsky",
     ["nothing on 'verdict'"]),
    ("What was the flat like?", "en", [SEDOVA], "L. Trotsky", []),
    # nor a French word that the corpus never uses (it says "membres", not "adhérents")
    ("Combien d'adhérents le syndicat de Sneevliet a-t-il perdus ?", "fr", [UNION],
     "L. Trotsky", []),
])
def test_plain_signs_that_the_sources_lack_the_answer(question, language, texts, sender, signs):
    hits = [unit(i, text, sender=sender) for i, text in enumerate(texts, start=1)]
    stats = CorpusStats.from_chunks([h.chunk for h in hits] + [unit(9, text).chunk for text in (
        KIROV, "assassinat", "Le titre et le prix payé du livre, les archives.", UNION,
        "Le verdict du procès.")])
    parsed = ParsedQuestion.parse(question)
    assert contradictions(parsed, candidates_of(hits), hits, stats, language) == signs


@pytest.mark.slow
@pytest.mark.parametrize(("question", "language", "missing"), [
    ("What did Trotsky write to Albert Einstein about the Moscow trials?", "en",
     ["Albert Einstein"]),
    ("Quel manifeste Trotsky a-t-il rédigé avec André Breton ?", "fr", ["André Breton"]),
    # a name none of whose words the corpus uses, nor English has
    ("Which novel did Arthur Koestler write about the trials?", "en", ["Arthur Koestler"]),
    ("Que pensait Trotsky de Frida Kahlo ?", "fr", ["Frida Kahlo"]),
    ("Que pensait Trotsky des accords de Munich signés en septembre 1938 ?", "fr",
     ["septembre 1938"]),
    ("How did Trotsky react to the events of November 1938?", "en", ["November 1938"]),
    # what the corpus does mention, in any spelling
    ("Qui était Albert Goldman ?", "fr", []),
    ("What did Bukharin write to Voroshilov in September 1936?", "en", []),
    ("Que dit Trotsky le 5 janvier 1938 ?", "fr", []),
    # words of a capitalised run that are English words ("US House"): not a name
    ("When did the US House reject the Ludlow amendment?", "en", []),
    # a single unknown word may be English or another spelling: not judged
    ("What does Trotsky say of the Kronstadt mutiny and the French Sûreté?", "en", []),
    ("Who was in the Red Army?", "en", []),
    # a possessive is no first name: "Trotsky's Kronstadt" is not a person the corpus lacks
    ("Why was Berkman, named in Trotsky's Kronstadt article, in prison?", "en", []),
])
def test_what_the_whole_corpus_never_mentions(retriever, question, language, missing):
    stats = CorpusStats.from_chunks(retriever.chunks)
    assert absent_from_corpus(ParsedQuestion.parse(question), stats, language,
                              english=retriever.lexicon) == missing


@pytest.mark.slow
def test_without_a_lexicon_an_unknown_english_name_is_not_judged(retriever):
    stats = CorpusStats.from_chunks(retriever.chunks)
    question = ParsedQuestion.parse("When did the US House reject the amendment?")
    assert absent_from_corpus(question, stats, "en", english=None) == []
    french = ParsedQuestion.parse("Que pensait Trotsky de Salvador Dali ?")
    assert absent_from_corpus(french, stats, "fr", english=None) == ["Salvador Dali"]
