"""The gate: questions nobody tuned on, only measured (h041-h080 and the three blind sets).

Each figure is gated at the level measured when the gate was set, minus a noise margin of
about one and a half questions (0.05 on a share of ~30-36 answerable questions; one question
on the refusals). These are NOT the issue's targets (answer accuracy 0.75, hit@1 0.80, ...): the
README's "How far to trust it" gives both. A fault seen here is fixed by writing a
development question for it, never by a rule for it.
"""

from __future__ import annotations

import pytest

from assistant.evaluation import harness
from assistant.evaluation.questions import load_questions

pytestmark = pytest.mark.slow

# (metric, bound, "min" | "max"), per gate set, from the measurement that set the gate.
# Measured 2 Dec 2026 (hybrid, extractive): h041-h080 hit@1 0.733, hit@5 0.933, MRR 0.815,
# answers 0.700, footnotes 0.917, strict citations 0.518, not-in-corpus 1.00 / 0.20,
# wrongly_refused 0.000; blind hit@1 0.639, hit@5 0.944, MRR 0.754, answers 0.639, footnotes
# 0.875, strict citations 0.439, not-in-corpus 1.00 / 0.25, wrongly_refused 0.000; blind2
# (added 2 Dec, measured once on 10f4bed) hit@1 0.486, hit@5 0.886, MRR 0.652, answers 0.514,
# footnotes 0.688, strict citations 0.388 (0.403 once the evidence model was retrained with
# q291-q330), not-in-corpus 1.00 / 0.15, wrongly_refused 0.000. Re-measured 3 Dec after notes
# were cut into even parts and the models retrained with q331-q370: the same, except blind2
# hit@1 0.514, MRR 0.666, strict citations 0.382. Again with the engine `make setup` compiles
# (same vectors to 1e-4): the same, except blind strict citations 0.433. Re-measured 4 Dec
# (names none of whose words the corpus uses are "not in the corpus"; questions asking several
# things answered and searched part by part; models retrained with q371-q410): the same,
# except not-in-corpus recall 0.30 (h041-h080), 0.33 (blind), 0.23 (blind2), blind2 answers
# 0.543, strict citations 0.426 (blind) and 0.386 (blind2); floors raised to match.
# Re-measured 4 Dec, later (every quoted sentence with its sequel, merged quotations keep each
# sentence's room): answers 0.767 (h041-h080), 0.667 (blind), 0.629 (blind2), the rest the
# same; answer floors raised to match. Then with "uncertain" answers quoting what an answer
# would: strict citations 0.433 (blind) and 0.403 (blind2), the rest the same. Then with
# single-quoted names and the OCR's slash for "l" read (models retrained with q411-q450):
# blind2 answers 0.657, footnotes 0.750, strict citations 0.418; blind strict citations
# 0.426; floors raised to match.
# blind3 (added 4 Dec, written from the corpus alone by a third reader, measured once on
# 60534a9): hit@1 0.639, hit@5 0.889, MRR 0.744, answers 0.639, footnotes 0.650, strict
# citations 0.433, wrongly_refused 0.000, and no question told "not in the corpus" (its 12
# unanswerable ones are all traps next to a real fact): refusal precision is undefined there
# and recall 0.00, so only wrongly_refused guards its refusals.
# Then with the passages shown opening on the ones the answer quotes (cited_first): blind2
# hit@1 0.686, MRR 0.761 (floors raised), blind3 hit@1 0.583, MRR 0.710 (floors lowered: the
# answerer's first quotation held the answer less often than search's first there, 2
# questions; the four gates' mean hit@1 0.631 -> 0.660), the rest the same. With the models
# retrained with q451-q490: the same, except blind3 strict citations 0.426.
# 4 Dec, later (a part's sentence must hold a fifth of the part's own words, part_coverage; "quoi"
# and more prepositions start a part): answers 0.667 and multi-document 3 of 10 (blind3),
# the other answers the same; strict citations 0.475 (h041-h080), 0.429 (blind), 0.424
# (blind2), 0.413 (blind3); blind3's answer floor raised to match.
# Later on 4 Dec: the unnumbered note of 000 is note 2, as its call reads (blind3's one gold
# on it says 2): blind3 hit@1 0.611, hit@5 0.917, MRR 0.738, footnotes 0.700, strict 0.429;
# with the models retrained on q491-q530, the other gates the same. blind4 (added then,
# written from the corpus alone by a fourth reader, measured once on its joining code):
# hit@1 0.556, hit@5 0.972, MRR 0.712, answers 0.444, multi-document 1 of 10, footnotes
# 0.545, strict citations 0.409, wrongly_refused 0.000, and no question told "not in the
# corpus" (its 12 unanswerable ones all answered or uncertain): only wrongly_refused guards
# its refusals. Then the words that say where to look ("la note", "the volume", "lettre")
# stopped counting as what is asked (designator 0), the answerer retrained: blind4 hit@1
# 0.583, MRR 0.732, answers 0.472, multi-document 2 of 10, footnotes 0.591, strict 0.426
# (floors raised); blind hit@1 0.611, MRR 0.741; blind2 hit@1 0.657, hit@5 0.857, MRR 0.746;
# the rest the same.
# Margin: 0.05 (about 1.5 answerable questions) on the shares, one question on refusals.
GATES: dict[str, list[tuple[str, float, str]]] = {
    "h041-h080": [("hit@1", 0.68, "min"), ("hit@5", 0.88, "min"), ("mrr", 0.76, "min"),
                  ("answer_accuracy", 0.71, "min"), ("footnote_accuracy", 0.85, "min"),
                  ("citation_precision_strict", 0.46, "min"), ("wrongly_refused", 0.03, "max"),
                  ("refusal_precision", 0.9, "min"), ("refusal_recall", 0.2, "min")],
    "blind": [("hit@1", 0.58, "min"), ("hit@5", 0.89, "min"), ("mrr", 0.70, "min"),
              ("answer_accuracy", 0.61, "min"), ("footnote_accuracy", 0.80, "min"),
              ("citation_precision_strict", 0.38, "min"), ("wrongly_refused", 0.03, "max"),
              ("refusal_precision", 0.9, "min"), ("refusal_recall", 0.25, "min")],
    "blind2": [("hit@1", 0.63, "min"), ("hit@5", 0.83, "min"), ("mrr", 0.71, "min"),
               ("answer_accuracy", 0.60, "min"), ("footnote_accuracy", 0.70, "min"),
               ("citation_precision_strict", 0.36, "min"), ("wrongly_refused", 0.03, "max"),
               ("refusal_precision", 0.9, "min"), ("refusal_recall", 0.15, "min")],
    "blind3": [("hit@1", 0.53, "min"), ("hit@5", 0.84, "min"), ("mrr", 0.66, "min"),
               ("answer_accuracy", 0.61, "min"), ("footnote_accuracy", 0.60, "min"),
               ("citation_precision_strict", 0.38, "min"), ("wrongly_refused", 0.03, "max")],
    "blind4": [("hit@1", 0.50, "min"), ("hit@5", 0.92, "min"), ("mrr", 0.66, "min"),
               ("answer_accuracy", 0.42, "min"), ("footnote_accuracy", 0.54, "min"),
               ("citation_precision_strict", 0.37, "min"), ("wrongly_refused", 0.03, "max")],
}


def _gate_questions(settings, name: str):
    if name in ("blind", "blind2", "blind3", "blind4"):
        return load_questions(getattr(settings.eval, name))
    return [q for q in load_questions(settings.eval.heldout) if int(q.id[1:]) > 40]


@pytest.fixture(scope="session")
def gate_runs(settings, services):
    return {name: harness.run(_gate_questions(settings, name), retriever="hybrid",
                              mode=settings.answer.mode, services=services, k=settings.eval.k,
                              source=name)
            for name in GATES}


def _slices(result: dict) -> str:
    keys = ("hit@1", "hit@5", "mrr", "answer_accuracy", "footnote_accuracy",
            "citation_precision_strict", "wrongly_refused")
    rows = []
    for group in ("by_kind", "by_language"):
        for value, figures in result[group].items():
            cells = ", ".join(f"{k} {figures.get(k):.2f}" for k in keys
                              if figures.get(k) is not None)
            rows.append(f"  {value}: {cells}")
    return "\n".join(rows)


@pytest.mark.parametrize("name", list(GATES))
def test_gate_set(gate_runs, name):
    result = gate_runs[name]
    metrics = result["metrics"]
    failed = [f"{key} {metrics[key]} {'<' if side == 'min' else '>'} {bound}"
              for key, bound, side in GATES[name]
              if metrics[key] is None
              or (metrics[key] < bound if side == "min" else metrics[key] > bound)]
    print(f"\n{name}:\n{_slices(result)}")
    assert not failed, f"{name}: " + "; ".join(failed) + "\n" + _slices(result)
