"""The default answerer, without an LLM: the best sentences of the sources, quoted and cited.

The sentences are scored by ``scoring``; the best 1–``max_sentences`` (no near-duplicates,
a pronoun-led sentence with its antecedent) are quoted verbatim by ``compose``. The evidence
score — coverage of the question's words and names by the best sentence, lowered when a
"when?"/"how many?" finds no date or number, or the question's year appears in no source —
decides the answer's status: under ``evidence.uncertain_below`` it is ``uncertain`` (the same
quotes, under a clear "may not answer this exactly" label: measured on the development
questions, the closest sources' best sentence alone held the fact less often, 0.722 against
0.732); only a question naming what the whole corpus never mentions gets ``not_in_corpus``.
Source text is only ever quoted: an instruction inside it changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.asked import (
    ParsedQuestion,
    answer_span,
    answer_spans,
    has_answer_type,
    question_parts,
)
from assistant.answer.asks import absent_from_corpus, contradictions
from assistant.answer.compose import clip, compose
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.evidence_model import load_model
from assistant.answer.matching import covered, weight_of
from assistant.answer.phrases import IN_SHORT, NEVER_MENTIONED, REFUSAL, UNCERTAIN
from assistant.answer.scoring import (
    Around,
    Sentence,
    candidates_of,
    combine,
    score_features,
    term_weights,
)
from assistant.answer.sentence_vectors import SentenceVectors, rerank_dense
from assistant.config import EvidenceSettings
from assistant.lexicon import Lexicon
from assistant.text import fold
from assistant.text.describe import quoted_title
from assistant.types import Draft, Hit

__all__ = ["Draft", "answer"]

DEFAULTS = EvidenceSettings()
# Openings that point back to the previous sentence (folded): a pronoun, a demonstrative or
# "c'est lui qui…", "ce dernier", "celui-ci".
_ANAPHORIC_STARTS = ("il ", "elle ", "ils ", "elles ", "cela ", "ce ", "cette ", "ces ",
                     "c'est ", "c'etait ", "celui-ci", "celle-ci", "ceux-ci", "lui ", "sa ",
                     "son ", "ses ",
                     "he ", "she ", "they ", "this ", "it ", "his ", "her ", "their ")
SENTENCE_VECTORS = SentenceVectors()


def evidence_of(best: Sentence, question: ParsedQuestion, *, language: str = "fr",
                found: tuple[float, float] = (1.0, 1.0),
                settings: EvidenceSettings = DEFAULTS) -> float:
    """How well the best sentence supports an answer: its coverage of the question's words
    and of its names (in and around it) — the lesser of the two for a French question, their
    mean for an English one, whose words a French text cannot be expected to share — lowered
    (``missing_answer_type``) when the question asks for a date or a number that the sentence
    does not hold, and by the shares of the question's names and years that no source
    mentions at all (``found``: "the 1938 World Cup", 1940 asked of 1938 letters)."""
    if not question.names:
        evidence = best.lexical
    elif language == "en":
        evidence = (best.lexical + best.names) / 2
    else:
        evidence = min(best.lexical, best.names)
    if not has_answer_type(question, best.text):
        evidence *= settings.missing_answer_type
    names_found, years_found = found
    evidence *= (0.25 + 0.75 * names_found) * (0.5 + 0.5 * years_found)
    return round(evidence, 4)


def found_anywhere(question: ParsedQuestion, candidates: list[Sentence], sources: Sequence[Hit]
                   ) -> tuple[float, float]:
    """Shares of the question's names and years that appear somewhere in the sources."""
    if not question.names and not question.years:
        return 1.0, 1.0
    seen = set().union(*(c.words for c in candidates), *(Around.of(h.chunk).words
                                                         for h in sources))

    def share(wanted: tuple[str, ...]) -> float:
        return sum(w in seen for w in wanted) / len(wanted) if wanted else 1.0

    return share(question.names), share(question.years)


def select(candidates: list[Sentence], max_sentences: int,
           settings: EvidenceSettings = DEFAULTS) -> list[Sentence]:
    """The best sentences, at most ``max_sentences`` from at most ``quoted_sources`` sources,
    each scoring at least ``keep_ratio`` of the best one and none repeating another
    (``duplicate_overlap`` of their content words: counted on all words, a short sentence
    shares most of its articles and pronouns with any long one of its letter, and the answer
    it held was dropped; development answers 0.699 -> 0.709)."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    chosen: list[Sentence] = []
    for c in ranked:
        if len(chosen) >= max_sentences or c.score < settings.keep_ratio * ranked[0].score:
            break
        if any(_overlap(c.terms, other.terms) > settings.duplicate_overlap for other in chosen):
            continue
        quoted = {o.source for o in chosen}
        if c.source not in quoted and len(quoted) >= settings.quoted_sources:
            continue
        chosen.append(c)
    return chosen


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(min(len(a), len(b)), 1)


def complete(chosen: list[Sentence], candidates: list[Sentence], weights: dict[str, float],
             max_sentences: int, settings: EvidenceSettings = DEFAULTS) -> list[Sentence]:
    """Add the best other sentence that covers what the chosen ones leave out of the question
    (at least ``complement_gain`` of its idf weight, the second half of "X, and what Y?" or the
    other letter of a comparison), in place of the weakest chosen one when full."""
    total = sum(weights.values())
    if not chosen or not total:
        return chosen
    said = set().union(*(c.terms for c in chosen))
    missing = [t for t in weights if t not in covered(list(weights), said)]
    best_score = max(c.score for c in chosen)
    for c in sorted(candidates, key=lambda c: -c.score):
        if c in chosen or c.score < settings.complement_floor * best_score:
            continue
        gain = weight_of(covered(missing, c.terms), weights) / total
        if gain >= settings.complement_gain:
            return chosen[: max(1, max_sentences - 1)] + [c]
    return chosen


def rank_sentences(question: ParsedQuestion, candidates: list[Sentence], sources: Sequence[Hit],
                   stats: CorpusStats | None, language: str, settings: EvidenceSettings) -> None:
    """Score every candidate for ``question``: hand-set weights, then the learned ranker."""
    score_features(question, candidates, sources, stats, language, settings)
    combine(candidates, settings)
    if settings.model_file is not None:
        load_model(settings.model_file).rank(candidates, sources, settings.model_weight)


def each_part(question: str, turn: str | None, chosen: list[Sentence],
              candidates: list[Sentence], sources: Sequence[Hit], stats: CorpusStats | None,
              language: str, max_sentences: int, settings: EvidenceSettings = DEFAULTS
              ) -> list[Sentence]:
    """A question asking several things gets, besides its chosen sentences, the best sentence
    for each part (scored as a follow-up of the whole question: the part says what is asked,
    the rest where to look) when it scores at least ``complement_floor`` of the best chosen
    one on the whole question. "What does A say, and what does B report?" then quotes B too,
    whose words the whole question shares less than A's. A new sentence takes the weakest
    chosen one's place when the answer is full; the best one stays.

    The part's best sentence is the best of those holding ``part_coverage`` of the part's own
    words (own_share), when any does: scored as a follow-up, a part without a name ("…, et de
    quoi leur auteur serait-il mort ?") still favours the sentences that meet the rest of the
    question, often one already chosen for the first part."""
    parts = question_parts(turn or question)
    if len(parts) < 2 or not chosen:
        return chosen
    floor = settings.complement_floor * max(c.score for c in chosen)
    for part in parts:
        scored = [replace(c) for c in candidates]  # rescored for the part; the originals kept
        parsed = ParsedQuestion.parse(question, part)
        rank_sentences(parsed, scored, sources, stats, language, settings)
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        weights = term_weights(parsed, stats, language, settings)
        answering = [i for i in order
                     if own_share(parsed, scored[i], weights) >= settings.part_coverage]
        found = candidates[(answering or order)[0]]
        if found.score < floor or any(c is found for c in chosen):
            continue
        if len(chosen) >= max_sentences:
            if len(chosen) == 1:
                continue
            weakest = min(chosen[1:], key=lambda c: c.score)
            chosen = [c for c in chosen if c is not weakest]
        chosen = [*chosen, found]
    return chosen


def own_share(question: ParsedQuestion, sentence: Sentence, weights: dict[str, float]) -> float:
    """Share of the idf weight of the question's own words (for a part: not those it inherits
    from the rest of the question) that the sentence holds; 1.0 when it has none of its own."""
    own = [t for t in question.terms if t not in question.inherited]
    total = weight_of(own, weights)
    if not total:
        return 1.0
    return weight_of(covered(own, sentence.terms), weights) / total


def _widened(sentence: Sentence, start: int, end: int, sources: Sequence[Hit]) -> Sentence:
    """``sentence`` stretched to ``start``–``end`` of its unit (its score and terms kept)."""
    text = sources[sentence.source].chunk.text
    return Sentence(sentence.source, start, end, text[start:end], sentence.terms,
                    sentence.words, score=sentence.score)


def with_antecedent(chosen: list[Sentence], candidates: list[Sentence], sources: Sequence[Hit],
                    steps: int = 2) -> list[Sentence]:
    """A sentence opening on a pronoun ("Il pensait…", "C'est lui qui…") gets its previous
    sentence, and that one its own when it opens on one too (``steps`` at most: a note's "Sa
    présidence…" and "C'est lui qui…" both lean on the sentence that names the man)."""
    result = []
    for c in chosen:
        start, lead = c.start, c.text
        for _ in range(steps):
            if not fold(lead).startswith(_ANAPHORIC_STARTS):
                break
            previous = next((o for o in candidates if o.source == c.source
                             and o.end <= start and start - o.end <= 2), None)
            if previous is None or previous in chosen:
                break
            start, lead = previous.start, previous.text
        result.append(c if start == c.start else _widened(c, start, c.end, sources))
    return result


def with_sequel(chosen: list[Sentence], candidates: list[Sentence], sources: Sequence[Hit],
                settings: EvidenceSettings = DEFAULTS) -> list[Sentence]:
    """Each quoted sentence (only the best without ``sequel_each``) continues with the next one
    of its unit when both fit in one quote (``sequel_chars``): the sentence that meets the
    question's words often leads to the one that answers it ("Il m'a répondu que…", "C'est
    pourquoi…"). Measured on the development questions, the sequel of every
    quoted sentence raised answers 0.663 -> 0.687, with the merged quotation's room
    (compose) 0.718."""
    if not chosen or settings.sequel_chars <= 0:
        return chosen
    firsts = chosen if settings.sequel_each else [max(chosen, key=lambda c: c.score)]
    for first in firsts:
        spans = sorted((c.start, c.end) for c in candidates if c.source == first.source)
        following = next(((a, b) for a, b in spans if a >= first.end and a - first.end <= 2),
                         None)
        if following is None or following[1] - first.start > settings.sequel_chars:
            continue
        if any(c.source == first.source and c.start <= following[0] < c.end for c in chosen):
            continue
        longer = _widened(first, first.start, following[1], sources)
        chosen = [longer if c is first else c for c in chosen]
    return chosen


def never_mentioned(missing: Sequence[str], language: str) -> str:
    """"Il ne mentionne nulle part « Salvador Dali » ni « juillet 1939 »."""
    if language == "en":
        what = " or ".join(f"“{item}”" for item in missing)
    else:
        what = " ni ".join(f"« {item} »" for item in missing)
    return NEVER_MENTIONED[language].format(what=what)


def _refusal(candidates: list[Sentence], language: str, evidence: float, reason: str = ""
             ) -> Draft:
    """The refusal, with the best sentence of each of the closest sources as "see also"
    (candidates in source order when they were not scored)."""
    closest: dict[int, str] = {}
    for c in sorted(candidates, key=lambda c: -c.score):
        closest.setdefault(c.source, c.text)
    text = f"{REFUSAL[language]} {reason}".strip()
    return Draft(text=text, status="not_in_corpus", evidence=evidence,
                 see_also=tuple(list(closest.items())[:3]))


def answer(
    question: str,
    sources: Sequence[Hit],
    *,
    language: str,
    stats: CorpusStats | None = None,
    max_sentences: int = 4,
    settings: EvidenceSettings = DEFAULTS,
    embedder=None,
    query_vector=None,
    turn: str | None = None,
    english: Lexicon | None = None,
) -> Draft:
    """The extractive answer to ``question`` from ``sources`` (answered, uncertain or
    not_in_corpus). For a follow-up, ``question`` is the standalone rewrite and ``turn`` what
    the user typed. ``embedder`` and ``query_vector`` serve only ``settings.dense_rerank``;
    ``english`` (an English-French lexicon) tells English words from unknown names."""
    parsed = ParsedQuestion.parse(question, turn)
    candidates = candidates_of(sources, settings.min_words)
    if not candidates:
        return Draft(text=REFUSAL[language], status="not_in_corpus")
    missing = absent_from_corpus(parsed, stats, language, english=english)
    if missing:  # the whole corpus lacks what is named: no sentence can hold the answer
        return _refusal(candidates, language, 0.0, never_mentioned(missing, language))
    rank_sentences(parsed, candidates, sources, stats, language, settings)
    rerank_dense(parsed, candidates, embedder, query_vector, settings.dense_rerank,
                 settings.dense, SENTENCE_VECTORS)
    best = max(candidates, key=lambda c: c.score)
    evidence = evidence_of(best, parsed, language=language,
                           found=found_anywhere(parsed, candidates, sources), settings=settings)
    if contradictions(parsed, candidates, sources, stats, language):
        evidence = round(evidence * settings.contradicted, 4)
    focus = {term: stats.idf(term) if stats else 1.0 for term in parsed.terms}
    chosen = select(candidates, max_sentences, settings)
    if settings.complement_gain < 1:
        weights = term_weights(parsed, stats, language, settings)
        chosen = complete(chosen, candidates, weights, max_sentences, settings)
    if settings.answer_parts:
        chosen = each_part(question, turn, chosen, candidates, sources, stats, language,
                           max_sentences, settings)
    best_sentence = max(chosen, key=lambda c: c.score)  # before its neighbours join it
    own_sentences = chosen
    chosen = with_antecedent(chosen, candidates, sources)
    chosen = with_sequel(chosen, candidates, sources, settings)
    text, quotes = compose(chosen, sources, language, focus=focus)
    if evidence < settings.uncertain_below:  # the same quotes, under the "may not" label
        return Draft(text=f"{UNCERTAIN[language]}\n\n{text}", status="uncertain",
                     evidence=evidence, quotes=quotes)
    if evidence >= settings.in_short_above:
        text, quotes = in_short(parsed, best_sentence, own_sentences, language, text, quotes, focus)
    return Draft(text=text, evidence=evidence, quotes=quotes)


def in_short(question: ParsedQuestion, best: Sentence, quoted: Sequence[Sentence], language: str,
             text: str, quotes: tuple[str, ...], focus: dict[str, float]
             ) -> tuple[str, tuple[str, ...]]:
    """Open the answer to a "when?"/"how many?" question on the date or number itself, quoted
    verbatim from the best sentence and cited to it ("En bref : « 10 mai 1934 » [1]"). The
    marker's quotation, which its citation keeps and verifies, is the whole sentence: a bare
    date would prove nothing and hide the passage. Only when the ``quoted`` sentences hold no
    other date (or number) as precise that could answer: on the development questions the
    line held the expected date or number in 20 of the 35 that could be judged, in 17 of 25
    with this rule (8 wrong, not 15); with no other candidate at all, in 11 of 15 (too rare)."""
    found = [f for c in quoted for f in answer_spans(question, " ".join(c.text.split()))]
    precise = max((f.rank for f in found), default=0)
    if len({fold(f.text) for f in found if f.rank == precise}) > 1:
        return text, quotes  # the quotations hold several such dates or numbers: let them speak
    sentence = " ".join(best.text.split())
    span = answer_span(question, sentence)
    if span is None:
        return text, quotes
    line = IN_SHORT[language].format(quote=quoted_title(span, language))
    return f"{line} [{best.source + 1}]\n\n{text}", (clip(sentence, focus=focus), *quotes)
