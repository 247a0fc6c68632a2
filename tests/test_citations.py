"""Citation post-processing (pure): markers, renumbering, OCR-tolerant verification, references.

Sources are real passages of corpus/004 (notes 2 and 4 of the 2 and 5 January 1938 letters and
the 5 January letter's text), copied with their OCR noise.
"""

from __future__ import annotations

import pytest

from assistant.answer.citations import (
    check_claim,
    find_in_source,
    is_refusal,
    parse_markers,
    postprocess,
)
from assistant.answer.sentences import sentence_spans
from assistant.text import format_date, reference, short_name
from assistant.types import Chunk, Hit

FRANKEL_NOTE = (
    "John Glenneï était le pseudonyme de Jan Franke/ (1906- '?), un Tchécoslovaque qui avait "
    "été l'un des premiers membres de !'Opposition dans son pays et avait été secrétaire de "
    "Trotsky de 1930 à 1933 en Turquie, en 1935 en Norvège et de février à novembre i 937, Il "
    "était ;) New York"
)
ARCHIVES = (
    "J'en viens maintenant de nouveau à ma proposition concer nant la vente des archives. Nous "
    "ne sommes pas obligés de nous borner aux archives de l'enquête. Toutes ces choses seraient "
    "bien mieux conservées dans un musée qu'en ma possession privée."
)
DEFENCE = (
    "Nous aidons !'U.R.S.S. comme la Chine, pendant la guerre, par tous les moyens qui peuvent "
    "être à la disposition d'une classe opprimée et non dirigeante. Si vous ne voulez pas "
    "soutenir les gouverne ments alliés de l'U .R.S.S., vous êtes pratiquement un défai tiste."
)


def hit(text: str, rank: int, *, footnote: int | None = None) -> Hit:
    chunk = Chunk(
        id=f"004-002:{'n' if footnote else 't'}{rank}", doc_id="004-002",
        file="004_7eda2118eecd96f1.txt", type="footnote" if footnote else "text", text=text,
        header="", embed_text=text, line_start=784 + rank, line_end=800 + rank, pages=(38,),
        footnote=footnote, title="[LA VENTE DES ARCHIVES]", date="1938-01-05",
        sender="Léon Trotsky", recipient="Jan Frankel", doc_kind="letter",
    )
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank)


SOURCES = [hit(ARCHIVES, 1), hit(FRANKEL_NOTE, 2, footnote=2), hit(DEFENCE, 3)]


@pytest.mark.parametrize(
    ("text", "expected_text", "expected"),
    [
        # A hallucinated number disappears; the real one keeps its claim.
        ("« Toutes ces choses seraient bien mieux conservées dans un musée » [1] [7].",
         "« Toutes ces choses seraient bien mieux conservées dans un musée » [1].",
         [(1, 1, True)]),
        # Renumbering in order of first use, stable for repeated sources.
        ("« avait été secrétaire de Trotsky de 1930 à 1933 en Turquie » [2]. « Nous aidons "
         "l'U.R.S.S. comme la Chine » [3]. Encore : « Nous ne sommes pas obligés de nous borner "
         "aux archives » [2].",
         "« avait été secrétaire de Trotsky de 1930 à 1933 en Turquie » [1]. « Nous aidons "
         "l'U.R.S.S. comme la Chine » [2]. Encore : « Nous ne sommes pas obligés de nous borner "
         "aux archives » [1].",
         [(1, 2, False), (2, 3, True)]),  # source 2 once misattributed: not verified
        # OCR noise: !'U.R.S.S. / l'U.R.S.S., "gouverne ments" / "gouvernements", accents.
        ("« soutenir les gouvernements alliés de l'U.R.S.S., vous etes pratiquement un "
         "défaitiste » [3]",
         "« soutenir les gouvernements alliés de l'U.R.S.S., vous etes pratiquement un "
         "défaitiste » [1]",
         [(1, 3, True)]),
        # An invented quotation is flagged unverified.
        ("Il écrit : « Je vendrai mes archives à Moscou pour un million de dollars » [1].",
         "Il écrit : « Je vendrai mes archives à Moscou pour un million de dollars » [1].",
         [(1, 1, False)]),
        # A paraphrase (no quotation) verifies on shared content words...
        ("Frankel avait été secrétaire de Trotsky en Turquie et en Norvège [2].",
         "Frankel avait été secrétaire de Trotsky en Turquie et en Norvège [1].",
         [(1, 2, True)]),
        # ...but not with a wrong year.
        ("Frankel avait été secrétaire de Trotsky en Turquie en 1929 [2].",
         "Frankel avait été secrétaire de Trotsky en Turquie en 1929 [1].",
         [(1, 2, False)]),
        # Quotation cut by an ellipsis; grouped markers [1, 3].
        ("« J'en viens maintenant de nouveau à ma proposition … conservées dans un musée » "
         "[3, 1]",
         "« J'en viens maintenant de nouveau à ma proposition … conservées dans un musée » [1, 2]",
         [(1, 3, False), (2, 1, True)]),
        # Only unknown numbers: no citation at all.
        ("Rien de tout cela [0] [4].", "Rien de tout cela.", []),
    ],
)
def test_postprocess(text, expected_text, expected):
    cited = postprocess(text, SOURCES)
    assert cited.text == expected_text
    got = [(c.n, SOURCES.index(next(s for s in SOURCES if s.chunk.id == c.unit_id)) + 1,
            c.verified) for c in cited.citations]
    assert got == expected


def test_verified_citation_quotes_the_source_text_itself():
    cited = postprocess("« Nous aidons l'URSS comme la Chine, pendant la guerre » [1]", [SOURCES[2]])
    (citation,) = cited.citations
    assert citation.verified
    assert citation.quote == "Nous aidons !'U.R.S.S. comme la Chine, pendant la guerre"
    assert (citation.file, citation.line_start, citation.footnote) == (
        "004_7eda2118eecd96f1.txt", 787, None)


@pytest.mark.parametrize(
    ("quote", "source", "matches"),
    [
        ("l'U.R.S.S. comme la Chine", DEFENCE, True),
        ("les gouvernements alliés", DEFENCE, True),  # line-break hyphenation dropped
        ("pratiquement un défaitiste", DEFENCE, True),  # "défai tiste"
        ("secrétaire de Trotsky de 1930 à 1933", FRANKEL_NOTE, True),
        ("secretaire de Trotski de 1930 a 1933", FRANKEL_NOTE, True),  # one letter off
        ("secrétaire de Staline de 1924 à 1927", FRANKEL_NOTE, False),
        ("une classe dirigeante et opprimée", DEFENCE, False),
    ],
)
def test_find_in_source_is_ocr_tolerant(quote, source, matches):
    ratio, start, end = find_in_source(quote, source)
    assert (ratio >= 0.85) is matches
    if matches:
        assert end > start


def test_markers_inside_quotations_are_text():
    text = "Il note : « voir la lettre [3] » [1] puis [2, 4]."
    assert [m.numbers for m in parse_markers(text)] == [(1,), (2, 4)]


def test_short_quotation_is_checked_as_a_claim():
    assert not check_claim("Il parle de « la guerre »", DEFENCE).verified


@pytest.mark.parametrize(
    ("text", "refused"),
    [("Le corpus ne contient pas de réponse à cette question.", True),
     ("The corpus does not contain an answer to this question", True),
     ("Trotsky propose de vendre ses archives [1].", False)],
)
def test_is_refusal(text, refused):
    assert is_refusal(text) is refused


@pytest.mark.parametrize(
    ("name", "short"),
    [("Léon Trotsky", "L. Trotsky"), ("Jan Frankel", "J. Frankel"), ("J. P. Cannon", "J. P. Cannon"),
     ("Jean van Heijenoort", "J. van Heijenoort"), ("Trotsky", "Trotsky"),
     ("Jean-Paul Sartre", "J.-P. Sartre"), ("le comité exécutif", "le comité exécutif")],
)
def test_short_name(name, short):
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("iso", "language", "text"),
    [("1938-01-05", "fr", "5 janvier 1938"), ("1938-02-01", "fr", "1er février 1938"),
     ("1938-01-05", "en", "5 January 1938"), ("1938-03", "fr", "mars 1938"), (None, "fr", "s. d."),
     ("1936", "en", "1936")],
)
def test_format_date(iso, language, text):
    assert format_date(iso, language) == text


def test_reference_names_letter_page_and_note():
    letter = dict(kind="letter", title="[LA VENTE DES ARCHIVES]", date="1938-01-05",
                  sender="Léon Trotsky", recipient="Jan Frankel", pages=(38,), footnote=2)
    assert reference(**letter, volume="Œuvres t. 16") == (
        "L. Trotsky, lettre à J. Frankel, 5 janvier 1938, Œuvres t. 16, p. 38, n. 2")
    assert reference(**letter, language="en") == (
        "L. Trotsky, letter to J. Frankel, 5 January 1938, p. 38, n. 2")
    assert reference(**letter, language="en", spelled_note=True) == (
        "L. Trotsky, letter to J. Frankel, 5 January 1938, p. 38, editor's note 2")
    article = dict(letter, kind="article", recipient=None, footnote=None, title="CRONSTADT",
                   pages=(60, 61))
    assert reference(**article) == "L. Trotsky, « CRONSTADT », 5 janvier 1938, pp. 60-61"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Nous sommes contre le capitalisme en U.R.S.S. Nous aidons !'U.R.S.S. comme la Chine.",
         ["Nous sommes contre le capitalisme en U.R.S.S.", "Nous aidons !'U.R.S.S. comme la Chine."]),
        ("Lettre à J. P. Cannon, cf. n. 2 p. 38. M. Dewey arrive.",
         ["Lettre à J. P. Cannon, cf. n. 2 p. 38.", "M. Dewey arrive."]),
        ("« Vous êtes pratiquement un défaitiste. » Tel était le sens.",
         ["« Vous êtes pratiquement un défaitiste. »", "Tel était le sens."]),
        ("Voir Œuvres, 15, pp. 255-266. Yvan Craipeau né en 1911) dirigeant.",
         ["Voir Œuvres, 15, pp. 255-266.", "Yvan Craipeau né en 1911) dirigeant."]),
        # "cam." is Boukharine's "camarade": "Et je repense au cam. Menjinski" is one sentence.
        ("la vie des autres. Et je repense au cam. Menjinski qui a été tué.",
         ["la vie des autres.", "Et je repense au cam. Menjinski qui a été tué."]),
    ],
)
def test_sentence_splitting_is_french_aware(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


STAKHANOV = ("On appelait « stakhanovisme \" le mouvement pour augmenter les normes de production et "
             "le rythme du travail à travers la publicité et les récompenses données aux « "
             "travailleurs de choc » et « héros du travail \".")


def test_quotation_holding_unbalanced_ocr_quotation_marks():
    sources = [hit(STAKHANOV, 1, footnote=2)]
    text = f"La note 2 sur « [LA VENTE DES ARCHIVES] » précise : « {STAKHANOV} » [1]"
    assert postprocess(text, sources).citations[0].verified  # the pairs that close are checked
    # An answerer that knows its quotation passes it; it is checked, and becomes the quote.
    (citation,) = postprocess(text, sources, quotes=[STAKHANOV]).citations
    assert citation.verified and citation.quote.startswith("On appelait « stakhanovisme")
    assert citation.quote.endswith("héros du travail")
    (wrong,) = postprocess(text, sources, quotes=["Le mouvement fut lancé par Staline."]).citations
    assert not wrong.verified


def test_stray_ocr_quotation_mark_does_not_hide_markers():
    first = "En réponse à la lettre du 31 août 1936, il envoya ces lignes : « Au camarade Boukharine."
    second = "Je trouve la réponse excellente... ». Le 7 décembre 1936, il écrivit à Staline."
    sources = [hit(first, 1, footnote=1), hit(second, 2, footnote=1)]
    text = f"La note 1 précise : « {first} » [1]\n\nLa note 1 précise : « {second} » [2]"
    cited = postprocess(text, sources, quotes=[first, second])
    assert cited.text == text
    assert [(c.n, c.unit_id, c.verified) for c in cited.citations] == [
        (1, sources[0].chunk.id, True), (2, sources[1].chunk.id, True)]
