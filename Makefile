# The course's commands. `make book` builds the static book; `make test` runs every test.
# Both create the virtual environment (.venv) and install everything on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Offline data: use ../shared/datasets when it is there and nothing else was set.
COURSE_DATA_MIRROR ?= $(wildcard $(abspath ../shared/datasets))
export COURSE_DATA_MIRROR

.PHONY: setup browser book test lint outputs student clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

# Headless Chromium, its driver and an emoji font (so screenshots show what readers see) from Debian's
# packages, for the browser tests (tests/test_browser.py). Uses sudo when not run as root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-color-emoji
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || { \
	  echo "Installing $(BROWSER_PACKAGES) from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); \
	  } || { echo "error: could not install $(BROWSER_PACKAGES) (needs apt-get, as root or with sudo);"; \
	  echo "       install them by hand, or the browser tests (tests/test_browser.py) fail."; exit 1; }

setup: $(STAMP) browser

book: setup
	$(BIN)/jupyter-book build . --builder html -W --keep-going

lint: setup
	$(BIN)/ruff check utils coursetools tests notebooks book/_ext

test: lint book
	COURSE_MODE=smoke $(BIN)/python -m pytest

# Re-run notebooks in full mode and store their outputs: `make outputs` (all) or NB="notebooks/02_*.ipynb".
outputs: setup
	$(BIN)/python -m coursetools.notebooks $(NB)

# The student edition (student/, solutions replaced by stubs) and the instructors' guide (book/instructors.md),
# both generated from notebooks/: run after changing a chapter; the tests fail while either is out of date.
student: $(STAMP)
	$(BIN)/python -m coursetools.student
	$(BIN)/python -m coursetools.guide

clean:
	rm -rf _build
