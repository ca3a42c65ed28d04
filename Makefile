# The course's commands. `make book` builds the static book; `make test` runs every test.
# Both create the virtual environment (.venv) and install everything on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Offline data: use ../shared/datasets when it is there and nothing else was set.
COURSE_DATA_MIRROR ?= $(wildcard $(abspath ../shared/datasets))
export COURSE_DATA_MIRROR

.PHONY: setup book test lint outputs student clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

setup: $(STAMP)

book: setup
	$(BIN)/jupyter-book build . --builder html -W --keep-going

lint: setup
	$(BIN)/ruff check utils coursetools tests notebooks book/_ext

test: lint book
	COURSE_MODE=smoke $(BIN)/python -m pytest

# Re-run notebooks in full mode and store their outputs: `make outputs` (all) or NB="notebooks/02_*.ipynb".
outputs: setup
	$(BIN)/python -m coursetools.notebooks $(NB)

clean:
	rm -rf _build
