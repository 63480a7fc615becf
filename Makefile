# Every target sets up what it needs: a fresh machine with Python 3.11 is enough.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPHINXOPTS ?= -W --keep-going

.PHONY: help install test lint types check html serve pdf clean schemas expected bench
help:
	@echo "make html    build the documentation site of the shipped data into build/html"
	@echo "make serve   preview the site on http://127.0.0.1:8000, rebuilt as YAML, pages or conf.py change"
	@echo "make pdf     one PDF per spec: build/pdf/ra2-spec.pdf and ra1-spec.pdf (rinohtype, no TeX; PDF=ra2-spec: one)"
	@echo "make test    run the test suite (lint and type check included)"
	@echo "make check   run 'ra2docs check' on the shipped tree"
	@echo "make lint    ruff on the package, tests and benchmarks"
	@echo "make types   mypy on the package (settings in pyproject.toml)"
	@echo "make schemas regenerate the JSON Schemas shipped in ra2docs/schemas"
	@echo "make expected regenerate the committed expected findings of tests/trees/ (review the diff)"
	@echo "make bench   run the benchmarks (slow; prints ratios against a floor)"
	@echo "make clean   remove build output"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# pip compiles a regular install's bytecode but not an editable one's; where PYTHONDONTWRITEBYTECODE is
	# set, every command would otherwise compile the package again (about 90 ms of each `ra2docs check`)
	$(BIN)/python -m compileall -q ra2docs
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check ra2docs tests bench conf.py

types: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint types
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ra2docs check

html: $(STAMP)
	$(BIN)/sphinx-build $(SPHINXOPTS) -b html -c . source build/html

serve: $(STAMP)
	$(BIN)/ra2docs serve . $(if $(PORT),--port $(PORT))

$(VENV)/.pdf-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[pdf]'
	touch $@

# one process per PDF: rinohtype keeps a document's whole layout in memory, so the peak is one PDF's, not the sum
PDF ?= ra2-spec ra1-spec
pdf: $(VENV)/.pdf-installed
	for target in $(PDF); do $(BIN)/sphinx-build $(SPHINXOPTS) -b rinoh -c . -D rinoh_targets=$$target source build/pdf || exit 1; done

schemas: $(STAMP)
	$(BIN)/python -m ra2docs.schema ra2docs/schemas

expected: $(STAMP)
	$(BIN)/python -m tests.expected_output

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf build
