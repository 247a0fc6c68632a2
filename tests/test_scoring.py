"""The extractive answerer's scoring core, directly and table-driven: the features of a sentence
(score_features), their weighted sum (combine), the evidence that decides a refusal
(evidence_of) and the choice of the quoted sentences (select). Hand-made sources; no model."""

from __future__ import annotations

import itertools

import pytest

from assistant.answer.asked import ParsedQuestion, answer_span, question_parts
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.extractive import (
    complete,
    evidence_of,
    in_short,
    own_share,
    select,
    with_antecedent,
    with_sequel,
)
from assistant.answer.scoring import (
    Sentence,
    candidates_of,
    combine,
    score_features,
    share,
    term_weights,
)
from assistant.config import EvidenceSettings
from assistant.types import Chunk, Hit

SALE = "Trotsky propose de vendre ses archives à une université américaine pour une somme."
MUSEUM = "Toutes ces choses seraient bien mieux conservées dans un musée qu'en ma possession."
WEATHER = "Il fait très froid à Coyoacan cet hiver et la maison reste humide le matin."
DATED = "Le contrat de vente fut signé le 5 janvier 1938 par les deux parties présentes."


def hit(text: str, rank: int = 1, *, dense: float | None = None, kind: str = "text",
        footnote: int | None = None, sender: str = "Léon Trotsky") -> Hit:
    chunk = Chunk(id=f"004-003:t{rank}", doc_id="004-003", file="004.txt", type=kind, text=text,
                  header="[LA VENTE DES ARCHIVES] 5 janvier 1938", embed_text=text,
                  line_start=rank, line_end=rank, footnote=footnote,
                  title="[LA VENTE DES ARCHIVES]", date="1938-01-05", sender=sender,
                  recipient="Jan Frankel", doc_kind="letter")
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank, dense_score=dense)


def scored(question: str, sources: list[Hit], stats: CorpusStats | None = None,
           language: str = "fr") -> list[Sentence]:
    candidates = candidates_of(sources)
    score_features(ParsedQuestion.parse(question), candidates, sources, stats, language)
    combine(candidates)
    return candidates


@pytest.mark.parametrize(("question", "feature", "expected"), [
    # every content word of the question is in the sentence
    ("Que propose Trotsky de vendre ?", "lexical", 1.0),
    # none is, in it or around it
    ("Quel temps fait-il en Norvège ?", "lexical", 0.0),
    # the name is in the sentence
    ("Que propose Trotsky ?", "names", 1.0),
    # in a letter's text the addressee is who "you" is: his name counts as in the sentence
    ("Que propose-t-il à Frankel ?", "names", 1.0),
    # a year in the document's date, not in the sentence: around credit
    ("Que propose-t-il en 1938 ?", "years", EvidenceSettings().around),
    # first source
    ("Que propose Trotsky ?", "rank", 1.0),
])
def test_features_of_the_first_sentence(question, feature, expected):
    first = scored(question, [hit(SALE)])[0]
    assert getattr(first, feature) == pytest.approx(expected)


def test_rank_and_unit_similarity_fall_with_the_source():
    sources = [hit(SALE, 1, dense=0.90), hit(MUSEUM, 2, dense=0.85), hit(WEATHER, 3, dense=0.70)]
    first, second, third = scored("archives", sources)
    assert (first.rank, second.rank) == (1.0, pytest.approx(1 / 1.25))
    assert first.unit == 1.0 and second.unit == pytest.approx(0.5) and third.unit == 0.0


def test_a_when_question_credits_the_sentence_that_holds_a_date():
    sale, dated = scored("Quand le contrat de vente fut-il signé ?", [hit(SALE), hit(DATED, 2)])
    assert dated.typed == 1.0 and sale.typed == 0.0


def test_a_source_note_counts_half_unless_the_question_is_about_sources():
    note = "Lettre à Jan Frankel (8156), traduite de l'anglais, avec la permission de Houghton."
    source = hit(note, kind="footnote", footnote=1)
    about_letter = scored("Que dit la lettre à Jan Frankel ?", [source])[0]
    about_source = scored("De quelle langue la lettre à Jan Frankel est-elle traduite ?",
                          [source])[0]
    assert about_letter.names == pytest.approx(0.5 * about_source.names)


def test_idf_makes_the_rare_word_decide():
    stats = CorpusStats.from_chunks([hit(SALE).chunk, hit(MUSEUM, 2).chunk, hit(WEATHER, 3).chunk]
                                    + [hit(f"Trotsky écrit la lettre numéro {n}.", 9).chunk
                                       for n in range(20)])
    # "musée" is rare, "Trotsky" is everywhere: the museum sentence wins the coverage
    museum = scored("Trotsky et le musée", [hit(SALE), hit(MUSEUM, 2)], stats)[1]
    sale = scored("Trotsky et le musée", [hit(SALE), hit(MUSEUM, 2)], stats)[0]
    assert museum.lexical > 0.5 > sale.lexical


@pytest.mark.parametrize(("features", "expected"), [
    (dict(lexical=1.0), 0.35),
    (dict(names=1.0), 0.2),
    (dict(years=1.0), 0.05),
    (dict(unit=1.0), 0.2),
    (dict(rank=1.0), 0.1),
    (dict(typed=1.0), 0.2),
    (dict(lexical=1.0, names=1.0, years=1.0, unit=1.0, rank=1.0, typed=1.0), 1.1),
])
def test_combine_is_the_weighted_sum(features, expected):
    sentence = Sentence(0, 0, 1, "x", set(), set(), **features)
    combine([sentence])
    assert sentence.score == pytest.approx(expected)


def _best(text: str, lexical: float, names: float) -> Sentence:
    return Sentence(0, 0, len(text), text, set(), set(), lexical=lexical, names=names)


@pytest.mark.parametrize(("question", "language", "best", "found", "expected"), [
    # no name asked: the coverage of the words
    ("Que propose-t-il de vendre ?", "fr", _best(SALE, 0.8, 0.0), (1.0, 1.0), 0.8),
    # French with a name: the lesser of words and names
    ("Que propose Trotsky ?", "fr", _best(SALE, 0.8, 0.4), (1.0, 1.0), 0.4),
    # English with a name: their mean (a French text shares few English words)
    ("What does Trotsky propose?", "en", _best(SALE, 0.8, 0.4), (1.0, 1.0), 0.6),
    # a "when?" whose sentence has no date: a quarter kept
    ("Quand propose-t-il de vendre ?", "fr", _best(SALE, 0.8, 0.0), (1.0, 1.0), 0.2),
    # ... but not when it has one
    ("Quand le contrat fut-il signé ?", "fr", _best(DATED, 0.8, 0.0), (1.0, 1.0), 0.8),
    # the name appears in no source: down to a quarter
    ("Que propose Einstein ?", "fr", _best(SALE, 0.8, 0.8), (0.0, 1.0), 0.2),
    # the year appears in no source: halved
    ("Que propose-t-il en 1940 ?", "fr", _best(SALE, 0.8, 0.0), (1.0, 0.0), 0.4),
])
def test_evidence_of(question, language, best, found, expected):
    parsed = ParsedQuestion.parse(question)
    assert evidence_of(best, parsed, language=language, found=found) == pytest.approx(expected)


def _candidate(score: float, words: set[str], source: int = 0) -> Sentence:
    return Sentence(source, 0, 1, "x", set(words), words, score=score)


def test_a_short_sentence_is_no_duplicate_of_a_long_one_for_its_little_words():
    """Sentences repeat each other by their content words: a short one shares nearly all its
    articles and pronouns with any long one of the same letter."""
    long, short = candidates_of([hit(
        "Je lui ai écrit que je ne pouvais pas partir, mais il m'a répondu que la question "
        "était réglée et que je devais attendre son retour à Moscou. Il m'a dit que je ne "
        "pouvais parler qu'à Bakou, pas à Moscou.")])
    long.score, short.score = 0.9, 0.85
    assert select([long, short], 4) == [long, short]


@pytest.mark.parametrize(("scores_and_words", "limit", "chosen"), [
    # the best ones, best first, up to the limit
    ([(0.9, {"a"}), (0.8, {"b"}), (0.7, {"c"})], 2, [0, 1]),
    # under keep_ratio (0.6) of the best: left out
    ([(0.9, {"a"}), (0.5, {"b"})], 4, [0]),
    # a near-duplicate of a chosen sentence: skipped, the next one kept
    ([(0.9, {"a", "b"}), (0.85, {"a", "b", "c"}), (0.8, {"d"})], 4, [0, 2]),
])
def test_select(scores_and_words, limit, chosen):
    candidates = [_candidate(s, w) for s, w in scores_and_words]
    assert select(candidates, limit) == [candidates[i] for i in chosen]


@pytest.mark.parametrize(("sources_and_scores", "chosen"), [
    # two sentences of the best source and one of a second: all kept
    ([(0, 0.9), (0, 0.8), (1, 0.7)], [0, 1, 2]),
    # a third source is not quoted (quoted_sources = 2), the second source's next one is
    ([(0, 0.9), (1, 0.8), (2, 0.75), (1, 0.7)], [0, 1, 3]),
    # a new source's sentence, like any further one, must score keep_ratio of the best
    ([(0, 0.9), (1, 0.5)], [0]),
])
def test_select_quotes_at_most_two_sources(sources_and_scores, chosen):
    """The third source an answer cited held a gold line in 4 of 54 development answers."""
    candidates = [_candidate(score, {f"w{i}"}, source)
                  for i, (source, score) in enumerate(sources_and_scores)]
    assert select(candidates, 4) == [candidates[i] for i in chosen]


def test_a_follow_ups_inherited_words_weigh_less():
    """"Et quand est-il mort ?" after a question on Menjinski: the standalone question carries
    Menjinski and the letter to find the passage, but the turn's own words say what is asked."""
    parsed = ParsedQuestion.parse("Et quand est-il mort ? Qui était Menjinski au procès",
                                  turn="Et quand est-il mort ?")
    assert {"menjinski", "proc"} <= parsed.inherited and "mort" not in parsed.inherited
    weights = term_weights(parsed, None, "fr")
    assert weights["mort"] == 1.0
    assert weights["proc"] == pytest.approx(EvidenceSettings().inherited)
    assert ParsedQuestion.parse("Qui était Menjinski ?").inherited == frozenset()


def test_words_that_say_where_to_look_are_not_what_is_asked():
    # "la note de l'éditeur", "le volume", "sa lettre" point to a passage; a sentence that
    # says "volume" or "lettre" holds nothing of the answer.
    parsed = ParsedQuestion.parse("Selon la note de l'éditeur du volume, dans sa lettre à "
                                  "Staline, quand Menjinski est-il mort ?")
    weights = term_weights(parsed, None, "fr")
    assert weights["mort"] == 1.0
    assert all(weights[t] == 0.0 for t in ("not", "editeur", "volum", "lettr")), weights


@pytest.mark.parametrize(("texts", "limit", "quoted"), [
    # the best sentence and the next one fit in sequel_chars: quoted together
    ((SALE, MUSEUM), 300, SALE + " " + MUSEUM),
    # they do not fit: the best sentence alone
    ((SALE, MUSEUM), 100, SALE),
    # 0 turns it off
    ((SALE, MUSEUM), 0, SALE),
])
def test_the_best_sentence_is_quoted_with_the_next_one_when_both_fit(texts, limit, quoted):
    sources = [hit(" ".join(texts))]
    candidates = candidates_of(sources)
    best = candidates[0]
    best.score = 1.0
    settings = EvidenceSettings(sequel_chars=limit)
    (result,) = with_sequel([best], candidates, sources, settings)
    assert sources[0].chunk.text[result.start:result.end] == quoted


@pytest.mark.parametrize(("each", "second"), [(True, WEATHER + " " + DATED), (False, WEATHER)])
def test_every_quoted_sentence_gets_its_sequel_unless_only_the_best_should(each, second):
    sources = [hit(" ".join((SALE, MUSEUM, WEATHER, DATED)))]
    candidates = candidates_of(sources)
    sale, _, weather, _ = candidates
    sale.score, weather.score = 1.0, 0.5
    settings = EvidenceSettings(sequel_chars=300, sequel_each=each)
    result = with_sequel([sale, weather], candidates, sources, settings)
    assert [r.text for r in result] == [SALE + " " + MUSEUM, second]


@pytest.mark.parametrize(("second", "opens"), [
    # another date as precise in the quoted sentences: no short line, the quotations speak
    ("Une autre version fut signée le 9 janvier 1938 par les mêmes parties.", False),
    # a less precise one does not compete with the day of a year
    ("Les parties en avaient parlé dès décembre 1937, semble-t-il.", True),
])
def test_the_short_line_needs_one_candidate_date(second, opens):
    sources = [hit(f"{DATED} {second}")]
    dated, other = candidates_of(sources)
    dated.score, other.score = 1.0, 0.5
    question = ParsedQuestion.parse("Quand le contrat de vente fut-il signé ?")
    text, quotes = in_short(question, dated, [dated, other], "fr", "…", ("…",), {})
    assert text.startswith("En bref : « 5 janvier 1938 » [1]") is opens
    assert len(quotes) == (2 if opens else 1)


@pytest.mark.parametrize(("wanted", "inside", "around", "weights", "expected"), [
    ((), set(), set(), None, 0.0),
    (("a", "b"), {"a", "b"}, set(), None, 1.0),
    (("a", "b"), {"a"}, set(), None, 0.5),
    (("a", "b"), {"a"}, {"b"}, None, (1 + 0.6) / 2),
    (("a", "b"), {"a"}, set(), [3.0, 1.0], 0.75),
])
def test_share(wanted, inside, around, weights, expected):
    assert share(wanted, inside, around, weights) == pytest.approx(expected)


def _sentence(score: float, terms: set[str], source: int = 0) -> Sentence:
    return Sentence(source, 0, 1, "x", terms, set(), score=score)


@pytest.mark.parametrize(("others", "added"), [
    # covers the half of the question the chosen sentence leaves out: quoted too
    ([_sentence(0.5, {"limit", "franc"}, 1)], True),
    # covers too little of it (under complement_gain of the weight)
    ([_sentence(0.5, {"franc"}, 1)], False),
    # covers it but scores under complement_floor of the best
    ([_sentence(0.2, {"limit", "franc"}, 1)], False),
])
def test_complete_adds_the_sentence_that_covers_what_is_left(others, added):
    chosen = [_sentence(0.9, {"archiv", "propos"})]
    weights = {"archiv": 1.0, "propos": 1.0, "limit": 1.0, "franc": 0.5}
    result = complete(chosen, chosen + others, weights, max_sentences=4)
    assert (result == chosen + others[:1]) is added and result[0] is chosen[0]


NOTE = ("Lazaro Cardenas (1895-1970), général pendant la révolution, fut élu président. "
        "Sa présidence fut marquée par la reprise de la réforme agraire du pays. "
        "C'est lui qui décida personnellement de donner à Trotsky un visa de séjour.")


@pytest.mark.parametrize(("text", "quoted_from"), [
    # "C'est lui" leans on "Sa présidence", which leans on the sentence naming the man
    (NOTE, "Lazaro Cardenas"),
    # a sentence that opens on its own subject is quoted alone
    (NOTE.replace("C'est lui qui", "Cardenas"), "Cardenas décida"),
])
def test_a_sentence_leaning_on_earlier_ones_is_quoted_with_them(text, quoted_from):
    sources = [hit(text)]
    candidates = candidates_of(sources)
    (result,) = with_antecedent([candidates[-1]], candidates, sources)
    assert text[result.start:result.end].startswith(quoted_from)


@pytest.mark.parametrize(("question", "sentence", "span"), [
    ("Quand est-il mort ?", "Il était mort le 10 mai 1934.", "10 mai 1934"),
    # the most precise date of the sentence
    ("Quand fut-il nommé ?", "Menjinski (1874-1934) fut nommé en 1926, le 30 juillet 1926.",
     "30 juillet 1926"),
    # a date the question gives is not its answer; a year alone says too little
    ("Quand, en décembre 1925, écrivit-il ?", "Il écrivit en décembre 1925, en 1925.", None),
    ("Combien de points comptait le texte ?", "La résolution comportait sept points.",
     "sept points"),
    # a number counting something the question does not ask about
    ("Combien de points comptait le texte ?", "Le texte fut voté par 1 200 délégués.", None),
    ("Qui était-il ?", "Il était mort le 10 mai 1934.", None),
])
def test_answer_span_is_the_asked_date_or_number_verbatim(question, sentence, span):
    assert answer_span(ParsedQuestion.parse(question), sentence) == span


@pytest.mark.parametrize(("question", "sentence", "holds"), [
    # "on what day" wants the day: the month of a letter does not answer it
    ("On exactly which day did he write?", "La lettre date de novembre 1933.", False),
    ("Quel jour a-t-il écrit ?", "Il écrivit le 3 novembre 1933.", True),
    # "when" is answered by a month
    ("Quand a-t-il écrit ?", "La lettre date de novembre 1933.", True),
])
def test_a_question_wanting_the_day_needs_a_day(question, sentence, holds):
    from assistant.answer.asked import has_answer_type
    assert has_answer_type(ParsedQuestion.parse(question), sentence) is holds


@pytest.mark.parametrize(("question", "parts"), [
    ("Qui était Ejov, et qui avait-il remplacé ?", ["qui etait ejov", "qui avait-il remplace"]),
    ("Qui était-il et quand est-il mort, d'après le volume ?",
     ["qui etait-il", "quand est-il mort, d'apres le volume"]),
    ("What does A say, and in which city did B answer?",
     ["what does a say", "in which city did b answer"]),
    ("Who was he? When did he die?", ["who was he", "when did he die"]),
    # "quoi" asks too, and a preposition may lead the second question
    ("Sur quel organisme portaient ces thèses, et de quoi leur auteur est-il mort ?",
     ["sur quel organisme portaient ces theses", "de quoi leur auteur est-il mort"]),
    ("Quand est-il parti, et en quelle année est-il revenu ?",
     ["quand est-il parti", "en quelle annee est-il revenu"]),
    ("Where was the study announced, and under what title was it to appear?",
     ["where was the study announced", "under what title was it to appear"]),
    # a conjunction between two things asked about is not a second question
    ("Que dit Trotsky de Staline et de Lénine ?", ["que dit trotsky de staline et de lenine"]),
    ("Why did Trotsky and Sedova leave?", ["why did trotsky and sedova leave"]),
])
def test_a_question_that_asks_several_things_has_parts(question, parts):
    assert question_parts(question) == parts


def test_own_share_counts_only_the_words_a_part_does_not_inherit():
    from assistant.text import content_terms

    whole = "Boukharine critique les thèses de Kouïbychev : de quoi leur auteur est-il mort ?"
    part = ParsedQuestion.parse(whole, "de quoi leur auteur est-il mort")
    weights = term_weights(part, None, "fr")

    def sentence(text: str) -> Sentence:
        return Sentence(0, 0, len(text), text, set(content_terms(text)), set())

    death = sentence("Il était mort d'une sclérose cardiaque, selon les informations officielles.")
    theses = sentence("Il s'agit des thèses de Kouïbychev que Boukharine critique.")
    assert own_share(part, death, weights) >= 0.3
    assert own_share(part, theses, weights) == 0.0
    assert own_share(ParsedQuestion.parse("de quoi ?"), theses, weights) == 1.0  # no words


def test_coverage_weights_add_up_exactly_whatever_the_order_of_the_set():
    # The stems a sentence covers are a set, whose order follows PYTHONHASHSEED: a plain sum
    # of their weights could differ in its last bit from one process to another and break a
    # tie the other way (the same question was once quoted two ways). fsum is exact.
    from assistant.answer.compose import _weight
    from assistant.text import content_terms

    text = "Kirov, Zinoviev et Leningrad."
    for weights in itertools.permutations((0.1, 0.2, 0.3)):
        assert _weight(dict(zip(content_terms(text), weights, strict=True)), text) == 0.6
