"""The Makefile's commands, read with `make -n` (what they would run; nothing is run or installed)."""

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in the checkout, its output captured (with -n: only printed, nothing runs), without the
    settings of the shell that runs the tests (make test sets COURSE_MODE=smoke)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_", "LAB_", "MAKE")) and k != "MODE"}
    return subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)


def command(text: str, program: str) -> str:
    """The (continued) command line of ``text`` that runs ``program``."""
    joined = text.replace("\\\n", " ")
    return next(line for line in joined.splitlines() if program in line)


def test_make_lab_adds_allow_root_only_for_root_and_passes_lab_args():
    as_root = command(make("-n", "lab", "LAB_UID=0").stdout, "jupyter lab")
    as_user = command(make("-n", "lab", "LAB_UID=1000", "LAB_ARGS=--no-browser --port=9999").stdout, "jupyter lab")
    assert "--allow-root" in as_root.split() and "--allow-root" not in as_user.split()
    assert as_user.split()[-2:] == ["--no-browser", "--port=9999"]
    assert "--KernelManager.transport=ipc" in as_user and "default_kernel_name=tconv-course" in as_user
    here = command(make("-n", "lab").stdout, "jupyter lab")
    assert ("--allow-root" in here.split()) == (os.geteuid() == 0), "the flag follows the user who runs make"


def test_make_run_runs_one_chapter_into_a_copy_with_the_courses_kernel():
    dry = make("-n", "run", "NB=notebooks/01_transpose_convolution.ipynb", "MODE=smoke").stdout
    assert "ipykernel install --sys-prefix --name tconv-course" in dry, "it registers the kernel first"
    assert command(dry, "coursetools.run").split()[1:] == [
        "-m", "coursetools.run", "--mode", "smoke", "--kernel", "tconv-course", "--output", "_build/run",
        "notebooks/01_transpose_convolution.ipynb"]
    assert "--mode full" in command(make("-n", "run", "NB=x.ipynb").stdout, "coursetools.run")
    assert "--mode smoke" in command(make("-n", "run", "NB=x.ipynb", "COURSE_MODE=smoke").stdout, "coursetools.run")
    usage = make("run")
    assert usage.returncode != 0 and "usage: make run NB=notebooks/NN_name.ipynb [MODE=smoke]" in usage.stderr


def test_the_kernel_needs_no_jupyterlab_and_a_new_version_reinstalls_the_course():
    assert "[lab]" not in make("-n", "kernel").stdout
    assert "pip install --quiet -r requirements.txt -e ." in make("-n", "-W", "utils/release.py", "setup").stdout


def test_make_pin_writes_the_setup_cell_without_running():
    assert command(make("-n", "pin", "NB=notebooks/01_transpose_convolution.ipynb").stdout, "coursetools").endswith(
        "-m coursetools.notebooks --pin-only notebooks/01_transpose_convolution.ipynb")
