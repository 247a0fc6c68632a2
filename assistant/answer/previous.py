"""Requests about the previous answer itself, answered from it instead of a new search.

"Show me the whole letter" quotes the previous answer's document, text unit by text unit, in
order; "which letter came next?" quotes the opening of the next (or previous) document of the
same kind by date; "and its note?" quotes the notes the previous answer cited or whose markers stand in the
passages it cited; "translate it" says plainly that no translation is made without a language
model and quotes the original passages. The request is recognised by ``assistant.question``
(``QuestionAnalysis.about_previous``); every quote is a unit's own text, so citations verify.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.extractive import Draft
from assistant.question import PreviousRequest, QuestionAnalysis
from assistant.types import Answer, Chunk, Hit

MAX_UNITS = 12  # a whole document is quoted up to this many units (the viewer shows the rest)
NEIGHBOUR_UNITS = 2  # the next or previous document: its opening
QUOTE_CHARS = 1200  # one unit's quote is cut at a word boundary past this length

NO_TRANSLATION = {
    "fr": "Je ne traduis pas sans modèle de langue (aucun LLM n'est configuré) ; voici le "
          "passage original :",
    "en": "I cannot translate without a language model (no LLM is configured); here is the "
          "original passage:",
}
WHOLE_DOCUMENT = {"fr": "Le document entier, « {title} » :", "en": "The whole document, “{title}”:"}
ITS_NOTES = {"fr": "Les notes de l'éditeur de la réponse précédente :",
             "en": "The editor's notes of the previous answer:"}
NEIGHBOUR = {
    "next": {"fr": "Le document suivant, « {title} » ({date}) :",
             "en": "The next document, “{title}” ({date}):"},
    "before": {"fr": "Le document précédent, « {title} » ({date}) :",
               "en": "The previous document, “{title}” ({date}):"},
}
NO_NEIGHBOUR = {"fr": "Aucun document de ce genre ne vient avant ou après celui-ci.",
                "en": "No document of that kind comes before or after this one."}
FROM_PREVIOUS = {"fr": "Réponse tirée de la réponse précédente (sans nouvelle recherche).",
                 "en": "Answered from the previous answer (no new search)."}
NOTHING_BEFORE = {"fr": "La réponse précédente ne cite aucun passage.",
                  "en": "The previous answer cites no passage."}


def request_of(question: str, history: Sequence[Answer],
               analyse: Callable[[str], QuestionAnalysis]) -> PreviousRequest | None:
    """The request about the previous answer that ``question`` makes, if there is one."""
    return analyse(question).about_previous if history else None


def sources_for(request: PreviousRequest, previous: Answer, chunks: Sequence[Chunk]) -> list[Hit]:
    """The units that answer a request about ``previous``, in reading order."""
    cited_ids = [c.unit_id for c in previous.citations or previous.see_also]
    by_id = {chunk.id: chunk for chunk in chunks}
    cited = [by_id[i] for i in dict.fromkeys(cited_ids) if i in by_id]
    if not cited:
        cited = [hit.chunk for hit in previous.hits[:1]]
    if not cited:
        return []
    if request in ("next", "before"):
        doc_id = neighbour(cited[0], chunks, step=1 if request == "next" else -1)
        units = [c for c in chunks if c.doc_id == doc_id and c.type == "text"][:NEIGHBOUR_UNITS]
    elif request == "document":
        doc_id = cited[0].doc_id
        units = [c for c in chunks if c.doc_id == doc_id and c.type == "text"][:MAX_UNITS]
    elif request == "note":
        wanted = {(c.doc_id, c.footnote) for c in cited if c.type == "footnote"}
        wanted |= {(c.doc_id, n) for c in cited if c.type == "text" for n in c.footnotes}
        units = [c for c in chunks if c.type == "footnote" and (c.doc_id, c.footnote) in wanted]
        if not units:  # no note cited nor called: the document's own notes
            units = [c for c in chunks if c.type == "footnote" and c.doc_id == cited[0].doc_id]
    else:
        units = cited
    return [Hit(chunk=unit, score=1.0, rank=rank) for rank, unit in enumerate(units, start=1)]


def neighbour(unit: Chunk, chunks: Sequence[Chunk], *, step: int) -> str | None:
    """The document of the same kind that comes next (step 1) or before (-1) by date."""
    documents = {c.doc_id: (c.date or "", c.doc_id) for c in chunks
                 if c.doc_kind == unit.doc_kind}
    order = sorted(documents, key=documents.__getitem__)
    position = order.index(unit.doc_id) + step if unit.doc_id in order else -1
    return order[position] if 0 <= position < len(order) else None


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_CHARS:
        return text
    return text[:QUOTE_CHARS].rsplit(" ", 1)[0]


def draft_for(request: PreviousRequest, sources: Sequence[Hit], language: str) -> Draft:
    """The answer: a lead line for the request, then each source quoted and cited."""
    if not sources:
        empty = NO_NEIGHBOUR if request in ("next", "before") else NOTHING_BEFORE
        return Draft(empty[language], evidence=1.0, quotes=())
    if request == "translation":
        lead = NO_TRANSLATION[language]
    elif request == "document":
        lead = WHOLE_DOCUMENT[language].format(title=sources[0].chunk.title)
    elif request in ("next", "before"):
        first = sources[0].chunk
        lead = NEIGHBOUR[request][language].format(title=first.title, date=first.date or "?")
    else:
        lead = ITS_NOTES[language]
    quotes = tuple(_quote(hit.chunk.text) for hit in sources)
    body = "\n\n".join(f"« {quote} » [{n}]" for n, quote in enumerate(quotes, start=1))
    return Draft(f"{lead}\n\n{body}", evidence=1.0, quotes=quotes)
