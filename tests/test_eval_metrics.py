"""Table tests of the evaluation metrics on hand-made units, citations and records."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from assistant.evaluation import metrics as m
from assistant.evaluation.metrics import GoldItem
from assistant.types import Chunk, Citation

F = "004_7eda2118eecd96f1.txt"


def unit(start: int, end: int, *, note: int | None = None, doc: str = "004-001", text: str = "",
         file: str = F) -> Chunk:
    kind = "footnote" if note else "text"
    return Chunk(id=f"{doc}:{start}", doc_id=doc, file=file, type=kind, text=text or "x",
                 header="", embed_text="x", line_start=start, line_end=end, footnote=note)


def cite(start: int, end: int, *, note: int | None = None, doc: str = "004-001",
         verified: bool = False, n: int = 1) -> Citation:
    return Citation(n=n, unit_id="u", doc_id=doc, file=F, line_start=start, line_end=end,
                    footnote=note, verified=verified)


BODY = GoldItem(F, 600, None, "la question est bien claire sans cela", "004-001")
NOTE2 = GoldItem(F, 605, 2, "Jean van Heijenoort (né en 1912) avait été", "004-001")
OTHER = GoldItem(F, 900, None, "quelque chose dans un autre document", "004-002")
HEADING = GoldItem(F, 4, None, "N. Boukharine à K. Vorochilov 3 septembre 1936", "004-001",
                   heading=True)


@pytest.mark.parametrize(
    ("candidate", "gold", "expected"),
    [
        (unit(590, 610), BODY, True),  # span holds the line
        (unit(590, 599), BODY, False),  # ends before
        (unit(601, 640), BODY, False),  # starts after
        (unit(600, 600), BODY, True),  # both bounds inclusive
        (unit(590, 610, file="000_86e461424a5ccca8.txt"), BODY, False),  # other file
        (unit(604, 606, note=2), NOTE2, True),  # the footnote unit itself
        (unit(604, 606, note=3), NOTE2, False),  # another note of the same page
        (unit(700, 720, note=2, doc="004-001"), NOTE2, True),  # second part of a long note 2
        (unit(604, 606, note=2, doc="004-009"), NOTE2, False),  # note 2 of another document
        (unit(590, 640), NOTE2, False),  # a body chunk whose span encloses the note lines
        (unit(590, 640, text="... 2. Jean van\nHeijenoort (né en 1912) ..."), NOTE2, True),  # raw
        (unit(595, 720, note=4), BODY, False),  # a note running over a page encloses body lines
        (cite(599, 602), BODY, True),  # a body citation
        (cite(604, 606, note=2), NOTE2, True),  # a footnote citation
        (cite(590, 640), NOTE2, False),  # footnote gold cited as body
        (unit(7, 37), HEADING, True),  # a text unit of the document carries its heading
        (unit(40, 60, doc="004-002"), HEADING, False),  # another document's unit does not
        (unit(12, 14, note=1), HEADING, False),  # a note is not the heading
        (unit(1, 20, doc=""), HEADING, True),  # a raw (naive) chunk must span the line
        (unit(5, 20, doc=""), HEADING, False),
    ],
)
def test_unit_hits(candidate, gold, expected):
    assert m.unit_hits(candidate, gold) is expected


def test_hit_at_rank_three():
    units = [unit(10, 20), unit(900, 950, doc="004-002"), unit(598, 603), unit(600, 601)]
    rank = m.hit_rank(units, [BODY])
    assert rank == 3
    assert [m.hit_at_k(rank, k) for k in (1, 5, 10)] == [0.0, 1.0, 1.0]
    assert m.reciprocal_rank(rank) == pytest.approx(1 / 3)
    # binary relevance: the duplicate at rank 4 earns nothing; ideal = one unit at rank 1
    assert m.ndcg_at_k(units, [BODY]) == pytest.approx(1 / math.log2(4))
    assert m.hit_rank(units[:2], [BODY]) is None
    assert m.hit_at_k(None, 10) == 0.0 and m.reciprocal_rank(None) == 0.0


def test_multi_gold_recall():
    units = [unit(880, 910, doc="004-002"), unit(10, 20), unit(1, 5), unit(2, 8), unit(12, 15),
             unit(590, 610)]
    golds = [BODY, OTHER]
    assert m.recall_at_k(units, golds, 5) == 0.5  # only OTHER in the top 5
    assert m.recall_at_k(units, golds, 10) == 1.0
    assert m.hit_rank(units, golds) == 1
    ideal = 1 + 1 / math.log2(3)
    assert m.ndcg_at_k(units, golds) == pytest.approx((1 + 1 / math.log2(7)) / ideal)
    assert m.recall_at_k([], golds, 5) == 0.0


def test_footnote_gold_cited_as_body_does_not_count():
    body_citation = cite(590, 640, n=1)  # the body passage where the note's marker stands
    assert m.footnotes_cited([body_citation], [NOTE2]) == (0, 1)
    assert m.footnotes_cited([body_citation, cite(604, 606, note=2, n=2)], [NOTE2]) == (1, 1)
    assert m.footnotes_cited([cite(604, 606, note=2, doc="004-003")], [NOTE2]) == (0, 1)
    # without a resolved document the line span decides
    bare = GoldItem(F, 605, 2, NOTE2.quote)
    assert m.footnotes_cited([cite(604, 606, note=2, doc="?")], [bare]) == (1, 1)
    assert m.footnotes_cited([cite(700, 720, note=2, doc="?")], [bare]) == (0, 1)
    assert m.footnotes_cited([body_citation], [BODY]) == (0, 0)
    # two quotes of one note are one footnote to cite; another note is another
    second_quote = GoldItem(F, 607, 2, "secrétaire de Trotsky à Prinkipo", "004-001")
    note3 = GoldItem(F, 609, 3, "Cette lettre de Trotsky a pour origine", "004-001")
    golds = [NOTE2, second_quote, note3]
    assert m.footnotes_cited([cite(604, 608, note=2)], golds) == (1, 2)


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("Il s'agit de Jean VAN HEIJENOORT, secrétaire.", ["van Heijenoort", "secretaire"], True),
        ("Jean van Heijenoort", ["van Heijenoort", "1912"], False),
        ("Le  Gépéou\nà Paris", ["guépéou"], False),
        ("Le  Guépéou\nà Paris", ["GUEPEOU A PARIS"], True),
        ("Œuvres", ["oeuvres"], True),
        ("il donna 5000 roubles", ["5 000 roubles"], True),  # digit groups as OCR has them
        ("about 80,000 words", ["80 000"], True),
        ("le 27.9", ["27.9"], True),
        ("5 000 roubles", ["50 000"], False),
        ("anything", [], None),
        ("anything", ["  "], None),
    ],
)
def test_answer_correct(text, terms, expected):
    assert m.answer_correct(text, terms) is expected


def test_citation_precision_counts_gold_or_verified():
    citations = [cite(599, 601), cite(10, 12, verified=True), cite(10, 12), cite(604, 606, note=3)]
    assert m.good_citations(citations, [BODY]) == (2, 4)
    assert m.good_citations([], [BODY]) == (0, 0)


def test_refusal_precision_and_recall():
    # q1 answerable refused (a wrong refusal), q2 unanswerable refused, q3 unanswerable answered
    refused = [True, True, False, False]
    unanswerable = [False, True, True, False]
    assert m.refusal_scores(refused, unanswerable) == (0.5, 0.5)
    assert m.refusal_scores([False], [False]) == (None, None)


def test_percentile():
    assert m.percentile([10, 20, 30, 40, 1000], 50) == 30
    assert m.percentile([1.0] * 19 + [100.0], 95) == pytest.approx(5.95)
    assert m.percentile([], 50) is None


def record(answerable=True, rank=None, refused=False, **extra):
    base = {"answerable": answerable, "hit_rank": rank, "recall@5": 0.0, "recall@10": 0.0,
            "ndcg@10": 0.0, "footnotes_cited": 0, "footnote_gold": 0, "answer_correct": None,
            "citations_good": 0, "citations_total": 0, "refused": refused,
            "retrieval_ms": 10.0, "answer_ms": 100.0}
    return base | extra


def test_summarize_over_answerable_and_all():
    records = [
        record(rank=1, **{"recall@5": 1.0, "recall@10": 1.0, "ndcg@10": 1.0}, answer_correct=True,
               citations_good=2, citations_total=2, footnote_gold=1, footnotes_cited=1),
        record(rank=3, **{"recall@5": 0.5, "recall@10": 1.0, "ndcg@10": 0.5}, answer_correct=False,
               citations_good=1, citations_total=2, footnote_gold=1, answer_ms=300.0),
        record(rank=None, refused=True),  # a refusal on an answerable question
        record(answerable=False, refused=True, retrieval_ms=20.0),
        record(answerable=False, refused=False),
    ]
    got = m.summarize(records)
    assert got["hit@1"] == pytest.approx(1 / 3)
    assert got["hit@5"] == pytest.approx(2 / 3)
    assert got["mrr"] == pytest.approx((1 + 1 / 3) / 3)
    assert got["recall@5"] == pytest.approx(0.5)
    assert got["footnote_accuracy"] == 0.5
    assert got["answer_accuracy"] == 0.5
    assert got["citation_precision"] == 0.75
    assert got["refusal_precision"] == 0.5
    assert got["refusal_recall"] == 0.5
    assert got["refused_share"] == 0.4
    assert got["latency_ms_p50"] == 100.0 and got["retrieval_ms_p95"] == pytest.approx(18.0)
    assert got["questions"] == 5 and got["answerable"] == 3


def test_summarize_retrieval_only_run():
    records = [record(rank=2, refused=None, answer_ms=None), record(False, refused=None,
                                                                     answer_ms=None)]
    got = m.summarize(records)
    assert got["hit@1"] == 0.0 and got["hit@5"] == 1.0
    assert got["refusal_recall"] is None and got["footnote_accuracy"] is None
    assert got["refused_share"] is None and got["answer_accuracy"] is None
    assert got["latency_ms_p50"] == 10.0  # falls back to retrieval latency


def test_summarize_three_states_and_strict_citations():
    records = [
        record(status="answered", citations_strict=1, citations_good=2, citations_total=2),
        record(status="uncertain", citations_strict=0, citations_good=1, citations_total=1),
        record(status="not_in_corpus", refused=True),  # said of an answerable question
        record(answerable=False, status="answered"),
        record(answerable=False, status="uncertain"),
        record(answerable=False, status="not_in_corpus", refused=True),
    ]
    got = m.summarize(records)
    assert got["citation_precision"] == 1.0  # verified: by construction
    assert got["citation_precision_strict"] == pytest.approx(1 / 3)  # only the gold line counts
    assert got["wrongly_refused"] == pytest.approx(1 / 3)
    assert got["wrongly_answered"] == pytest.approx(1 / 3)
    assert got["uncertain_share"] == pytest.approx(2 / 6)
    assert got["refusal_precision"] == 0.5 and got["refusal_recall"] == pytest.approx(1 / 3)


def test_strict_citations_count_only_a_gold_line():
    gold = m.GoldItem(file="f.txt", line=10)
    on_gold = SimpleNamespace(file="f.txt", line_start=8, line_end=12, footnote=None, quote="x",
                              verified=True, doc_id=None)
    elsewhere = SimpleNamespace(file="f.txt", line_start=20, line_end=25, footnote=None,
                                quote="y", verified=True, doc_id=None)
    assert m.strict_citations([on_gold, elsewhere], [gold]) == (1, 2)
    assert m.good_citations([on_gold, elsewhere], [gold]) == (2, 2)


def test_report_slices_ranking_by_kind_and_language(tmp_path):
    from assistant.evaluation.harness import result_of
    from assistant.evaluation.report import write_report

    def record(qid, kind, language, rank):
        return {"id": qid, "kind": kind, "language": language, "answerable": True,
                "hit_rank": rank, "recall@5": 1.0, "recall@10": 1.0, "ndcg@10": 1.0,
                "question": "?", "gold": [], "retrieved": [], "refused": None, "answer": None,
                "citations": [], "answer_correct": None, "footnote_gold": 0,
                "footnotes_cited": 0, "reference_answer": "", "must_contain": [],
                "retrieval_ms": 1.0, "answer_ms": None}

    records = [record("a", "date", "fr", 1), record("b", "date", "en", 2),
               record("c", "who-is", "en", None)]
    result = result_of(records, retriever="hybrid", mode=None)
    text = write_report([result], tmp_path).read_text(encoding="utf-8")
    assert "## mrr by kind" in text and "## hit@1 by language" in text
    assert "| date | 2 | 0.750 |" in text  # MRR of ranks 1 and 2
    assert "| en | 2 | 0.000 |" in text  # hit@1 of ranks 2 and none
