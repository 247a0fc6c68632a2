"""Fixed wording of answers, per language (the refusal phrase is also what the LLM is told to write)."""

from __future__ import annotations

REFUSAL = {
    "fr": "Le corpus ne contient pas de réponse à cette question.",
    "en": "The corpus does not contain an answer to this question.",
}
# The weak-evidence answer: the closest passages, quoted and cited, never "the corpus is silent".
UNCERTAIN = {
    "fr": "Les lettres ne répondent peut-être pas exactement à cette question — passages les "
          "plus proches :",
    "en": "The letters may not answer this exactly — closest passages:",
}
# Said after the refusal when the question names what the corpus never mentions.
NEVER_MENTIONED = {
    "fr": "Il ne mentionne nulle part {what}.",
    "en": "It never mentions {what}.",
}
# The short answer line before the quotations of a "when?"/"how many?" answer.
IN_SHORT = {"fr": "En bref : {quote}", "en": "In short: {quote}"}
SEE_ALSO = {"fr": "Passages les plus proches (non cités) :", "en": "Closest passages (not cited):"}
SOURCES = {"fr": "Sources", "en": "Sources"}
VERIFIED = {"fr": "vérifiée", "en": "verified"}
UNVERIFIED = {"fr": "non vérifiée", "en": "unverified"}
NOTHING_VERIFIED = {
    "fr": "Attention : aucune citation de cette réponse n'a pu être vérifiée dans les sources.",
    "en": "Warning: no citation in this answer could be verified against the sources.",
}
NO_CITATION = {
    "fr": "Attention : cette réponse ne cite aucune source ; rien n'en a été vérifié.",
    "en": "Warning: this answer cites no source; nothing in it was verified.",
}
TRUNCATED = {
    "fr": "Question tronquée à {n} caractères.",
    "en": "Question truncated to {n} characters.",
}
OTHER_SCRIPT = {
    "fr": "La question n'est ni en français ni en anglais : réponse au mieux, en anglais.",
    "en": "The question is neither in French nor in English: best-effort answer, in English.",
}
FOLLOW_UP = {"fr": "Question comprise comme : {q}", "en": "Question understood as: {q}"}
LOOKING_FIRST = {"fr": "Recherche d'abord dans : {what}", "en": "Looking first in {what}"}
EMPTY_QUESTION = "The question is empty: type a question about the letters."
NO_WORDS = "The question has no words (only punctuation or symbols): type a question about the letters."
