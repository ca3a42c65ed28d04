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

.PHONY: setup browser book test lint lab kernel run outputs pin student timings clean gpu-prepare gpu-size gpu-run gpu-land gpu-aside gpu-back

# utils/release.py sets the package's version: a new version reinstalls, so the installed metadata follows it.
$(STAMP): requirements.txt pyproject.toml utils/release.py
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
# As root (a container, a cloud VM) JupyterLab refuses to start without --allow-root: it is added only then.
# LAB_ARGS passes more options to JupyterLab, e.g. make lab LAB_ARGS="--no-browser --ip=0.0.0.0 --port=8888".
$(LAB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	touch $(LAB_STAMP)

kernel: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_DISPLAY)"

LAB_UID := $(shell id -u 2>/dev/null)
LAB_ROOT := $(if $(filter 0,$(LAB_UID)),--allow-root)
LAB_TRANSPORT := $(if $(filter Windows_NT,$(OS)),,--KernelManager.transport=ipc)
LAB_ARGS ?=
lab: $(LAB_STAMP) kernel
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
	  --MappingKernelManager.default_kernel_name=$(KERNEL) $(LAB_TRANSPORT) $(LAB_ROOT) $(LAB_ARGS)

# Run one chapter top to bottom from the command line, with the kernel "$(KERNEL_DISPLAY)" over local sockets
# and a progress line per cell: make run NB=notebooks/02_mnist_autoencoder.ipynb [MODE=smoke]. The executed copy
# goes to _build/run/ (the stored notebook is left alone; `make outputs` is what stores a full run's outputs).
MODE ?= $(or $(COURSE_MODE),full)
ifneq ($(filter run,$(MAKECMDGOALS)),)
ifeq ($(strip $(NB)),)
$(error usage: make run NB=notebooks/NN_name.ipynb [MODE=smoke] (writes the executed copy to _build/run/))
endif
endif
run: kernel
	$(BIN)/python -m coursetools.run --mode $(MODE) --kernel $(KERNEL) --output _build/run $(NB)

# Re-run notebooks in full mode and store their outputs: `make outputs` (all) or NB="notebooks/02_*.ipynb".
outputs: $(STAMP)
	$(BIN)/python -m coursetools.notebooks $(NB)

# Write the current setup cell (coursetools.notebooks.SETUP_CELL) and kernel metadata into the chapters (all, or
# NB=...) without running them: outputs and code hash stay as they are. Then `make student`.
pin: $(STAMP)
	$(BIN)/python -m coursetools.notebooks --pin-only $(NB)

# The student edition (student/, solutions replaced by stubs) and the instructors' guide (book/instructors.md),
# both generated from notebooks/: run after changing a chapter; the tests fail while either is out of date.
student: $(STAMP)
	$(BIN)/python -m coursetools.student
	$(BIN)/python -m coursetools.guide

# CPU run times for the instructors' guide (utils/cpu_timings.json), e.g. NB=notebooks/02_mnist_autoencoder.ipynb;
# TIMINGS_ARGS=--pretrained adds the time with COURSE_PRETRAINED=1. Then `make student` rewrites the guide.
timings: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make timings NB=notebooks/NN_name.ipynb [TIMINGS_ARGS=--pretrained]"; exit 2; }
	$(BIN)/python -m coursetools.timings $(TIMINGS_ARGS) $(NB)

clean:
	rm -rf _build

# The GPU job of issue 25 (gpu/README.md): chapters 5 and 6 in full mode on a GPU machine, one chapter per call.
# Here: `make gpu-prepare` (wheels into .whl/, dataset archives into .devdata/, sizes checked). There:
# `make gpu-run GPU_CHAPTERS=05 OUT=...` (no .venv: it uses that machine's python3). Back here:
# `make gpu-land RESULTS="folder ..."`. GPU_MODE=smoke runs the same job quickly, e.g. here on the CPU.
# `make gpu-aside` / `make gpu-back` move student/, notebooks/ and weights/ out of the tree for one call that
# carries both chapters (the tree that travels is limited to 64 MiB), and back.
GPU_CHAPTERS ?= 05 06
GPU_MODE ?= full
gpu-prepare: $(STAMP)
	$(BIN)/python gpu/job.py prepare $(GPU_CHAPTERS)

gpu-size: $(STAMP)
	$(BIN)/python gpu/job.py size --carry $(or $(CARRY),.whl .devdata)

gpu-run:
	OUT="$(OUT)" GPU_MODE=$(GPU_MODE) sh gpu/run.sh $(GPU_CHAPTERS)

gpu-aside gpu-back: $(STAMP)
	$(BIN)/python gpu/job.py $(@:gpu-%=%)

gpu-land: $(STAMP)
	@test -n "$(RESULTS)" || { echo "usage: make gpu-land RESULTS=\"folder [folder ...]\" [LAND_ARGS=--publish]"; exit 2; }
	$(BIN)/python gpu/job.py land $(RESULTS) $(LAND_ARGS)
