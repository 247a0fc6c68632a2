"""The naive peer a user would otherwise build, to show what our pipeline gains.

LangChain's ``RecursiveCharacterTextSplitter`` (1000 characters, 200 overlap, start index kept)
over the RAW corpus files, the SAME embedder as ours (wrapped as a LangChain ``Embeddings``), and
LangChain's FAISS vector store with its defaults. Each chunk maps back to its file and line span
through its start index, so it is scored by the same rule as our units. It knows no documents
and no footnotes: its hits carry ``doc_id=""`` and ``footnote=None``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from assistant.embedding import Embedder
from assistant.errors import AssistantError
from assistant.types import Chunk, Hit, SearchFilters

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200


class EmbedderEmbeddings(Embeddings):
    """Our ``Embedder`` as a LangChain ``Embeddings`` (passages in batches, with progress)."""

    def __init__(self, embedder: Embedder, *, batch_size: int = 32,
                 progress: Callable[[int], None] | None = None) -> None:
        self.embedder = embedder
        self.batch_size = batch_size
        self.progress = progress

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            vectors.extend(self.embedder.embed_passages(batch).tolist())
            if self.progress:
                self.progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def split_files(paths: Sequence[Path]) -> list[Chunk]:
    """The raw files cut by the recursive splitter, each piece with its file and line span."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[Chunk] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        # offsets of each line's first character: line number = bisect over them
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        pieces = splitter.create_documents([text], metadatas=[{"source": path.name}])
        for ordinal, piece in enumerate(pieces):
            begin = piece.metadata["start_index"]
            if begin < 0:  # the splitter could not find the piece back (never seen here)
                continue
            end = begin + max(len(piece.page_content) - 1, 0)
            chunks.append(
                Chunk(
                    id=f"naive:{path.name.split('_')[0]}:{ordinal}",
                    doc_id="",
                    file=path.name,
                    type="text",
                    text=piece.page_content,
                    header="",
                    embed_text=piece.page_content,
                    line_start=bisect.bisect_right(starts, begin),
                    line_end=bisect.bisect_right(starts, end),
                )
            )
    return chunks


class NaiveRetriever:
    """FAISS (LangChain) over raw 1000-character chunks; ``search`` returns our ``Hit``s."""

    mode = "naive"

    def __init__(self, store, chunks: list[Chunk], embedder: Embedder) -> None:
        self.store = store
        self.chunks = chunks
        self.embedder = embedder

    @classmethod
    def build(cls, corpus_dir: Path, embedder: Embedder, *, pattern: str = "*.txt",
              batch_size: int = 32, progress: Callable[[int, int], None] | None = None,
              cache_dir: Path | None = None) -> NaiveRetriever:
        """Split and embed every raw file of ``corpus_dir`` (``progress(done, total)`` after
        each batch of chunks).

        With ``cache_dir``, an index built earlier from the same files, embedder and splitter
        is loaded instead (FAISS file + chunks as JSON, no pickle)."""
        paths = sorted(Path(corpus_dir).glob(pattern))
        if not paths:
            raise AssistantError(f"no corpus files {pattern} in {corpus_dir}: check corpus.dir")
        cached = Path(cache_dir) / cache_key(paths, embedder) if cache_dir else None
        if cached is not None and (cached / "index.faiss").is_file():
            return cls.load(cached, embedder)
        from langchain_community.vectorstores import FAISS

        chunks = split_files(paths)
        documents = [
            LCDocument(page_content=c.text, metadata={"unit": i, "source": c.file})
            for i, c in enumerate(chunks)
        ]
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, len(chunks))

        embeddings = EmbedderEmbeddings(embedder, batch_size=batch_size, progress=advance)
        store = FAISS.from_documents(documents, embeddings)
        retriever = cls(store, chunks, embedder)
        if cached is not None:
            retriever.save(cached)
        return retriever

    def save(self, folder: Path) -> None:
        """Write the FAISS index and the chunks to ``folder`` atomically."""
        import faiss

        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".naive-", dir=folder.parent))
        faiss.write_index(self.store.index, str(staging / "index.faiss"))
        with open(staging / "chunks.jsonl", "w", encoding="utf-8") as out:
            for chunk in self.chunks:
                out.write(chunk.model_dump_json() + "\n")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)

    @classmethod
    def load(cls, folder: Path, embedder: Embedder) -> NaiveRetriever:
        import faiss
        from langchain_community.docstore.in_memory import InMemoryDocstore
        from langchain_community.vectorstores import FAISS

        lines = (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        chunks = [Chunk.model_validate_json(line) for line in lines]
        index = faiss.read_index(str(folder / "index.faiss"))
        if index.ntotal != len(chunks) or index.d != embedder.dim:
            raise AssistantError(f"the naive index in {folder} is damaged: delete that folder")
        ids = [str(i) for i in range(len(chunks))]
        docstore = InMemoryDocstore({
            ids[i]: LCDocument(page_content=c.text, metadata={"unit": i, "source": c.file})
            for i, c in enumerate(chunks)
        })
        store = FAISS(EmbedderEmbeddings(embedder), index, docstore, dict(enumerate(ids)))
        return cls(store, chunks, embedder)

    def search(self, query: str, *, k: int | None = None, mode: str | None = None,
               filters: SearchFilters | None = None) -> list[Hit]:
        """The k nearest chunks (FAISS's default L2 on normalised vectors = cosine order).

        ``mode`` is ignored and ``filters`` are not supported: a naive store has neither."""
        if filters is not None and not filters.is_empty():
            raise AssistantError("the naive retriever supports no filters")
        found = self.store.similarity_search_with_score(query, k=k or 10)
        return [
            # squared L2 between unit vectors d2 = 2 - 2 cos: report the cosine
            Hit(chunk=self.chunks[doc.metadata["unit"]], score=1.0 - float(d2) / 2.0, rank=rank)
            for rank, (doc, d2) in enumerate(found, start=1)
        ]


def cache_key(paths: Sequence[Path], embedder: Embedder) -> str:
    """Names the cached index: corpus file contents, embedder and splitter settings."""
    digest = hashlib.sha256()
    digest.update(json.dumps([embedder.id, CHUNK_SIZE, CHUNK_OVERLAP, "recursive-v1"]).encode())
    for path in paths:
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
