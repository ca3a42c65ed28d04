# The course's commands. `make book` builds the static book; `make test` runs every test; `make lab` opens the
# chapters in JupyterLab. Each creates the virtual environment (.venv) and installs what it needs on first use.
# `make book` and `make lab` need only Python and make; only `make test` needs a browser (see `browser`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_STAMP := $(VENV)/.lab-installed
# The Jupyter kernel that `make lab` registers (in .venv, nowhere else): the course's environment by name.
KERNEL := tconv-course
KERNEL_DISPLAY := Python (tconv-course)
# Offline data: use ../shared/datasets when it is there and nothing else was set.
COURSE_DATA_MIRROR ?= $(wildcard $(abspath ../shared/datasets))
export COURSE_DATA_MIRROR

.PHONY: setup browser book test lint lab kernel outputs student timings clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

setup: $(STAMP)

# Headless Chromium, its driver and an emoji font (so screenshots show what readers see), for the browser tests
# (tests/test_browser.py) only. Already there: nothing to do. Missing: Debian's packages with apt-get, as root
# or with sudo; anywhere else it stops and says how to get them.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-color-emoji
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || { \
	  command -v apt-get >/dev/null && { [ -z "$(SUDO)" ] || command -v sudo >/dev/null; } && { \
	  echo "Installing $(BROWSER_PACKAGES) from Debian's packages (for the browser tests only)"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); \
	  }; } || { \
	  echo "error: the browser tests (tests/test_browser.py) need chromium, chromedriver and an emoji font."; \
	  echo "       Debian/Ubuntu: sudo apt-get install $(BROWSER_PACKAGES)"; \
	  echo "       macOS (Homebrew): brew install --cask chromium && brew install chromedriver"; \
	  echo "       Both programs must be on PATH as chromium and chromedriver. make book does not need them."; \
	  exit 1; }

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W --keep-going

lint: $(STAMP)
	$(BIN)/ruff check utils coursetools tests notebooks book/_ext

test: browser lint book
	COURSE_MODE=smoke $(BIN)/python -m pytest

# JupyterLab in .venv and the course's environment registered as the kernel "$(KERNEL_DISPLAY)" (inside .venv,
# so nothing outside the checkout changes); then JupyterLab opens on notebooks/. The kernels talk to it over
# local sockets (IPC) where the system has them, so it logs no "running over TCP without encryption" warning.
$(LAB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	touch $(LAB_STAMP)

kernel: $(LAB_STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_DISPLAY)"

LAB_TRANSPORT := $(if $(filter Windows_NT,$(OS)),,--KernelManager.transport=ipc)
lab: kernel
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
	  --MappingKernelManager.default_kernel_name=$(KERNEL) $(LAB_TRANSPORT)

# Re-run notebooks in full mode and store their outputs: `make outputs` (all) or NB="notebooks/02_*.ipynb".
outputs: $(STAMP)
	$(BIN)/python -m coursetools.notebooks $(NB)

# The student edition (student/, solutions replaced by stubs) and the instructors' guide (book/instructors.md),
# both generated from notebooks/: run after changing a chapter; the tests fail while either is out of date.
student: $(STAMP)
	$(BIN)/python -m coursetools.student
	$(BIN)/python -m coursetools.guide

# CPU run times for the instructors' guide (book/cpu_timings.json), e.g. NB=notebooks/02_mnist_autoencoder.ipynb;
# TIMINGS_ARGS=--pretrained adds the time with COURSE_PRETRAINED=1. Then `make student` rewrites the guide.
timings: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make timings NB=notebooks/NN_name.ipynb [TIMINGS_ARGS=--pretrained]"; exit 2; }
	$(BIN)/python -m coursetools.timings $(TIMINGS_ARGS) $(NB)

clean:
	rm -rf _build
