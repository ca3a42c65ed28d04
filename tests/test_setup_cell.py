"""The first cell of every chapter installs the course where it is missing, and is a no-op otherwise."""

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import ROOT

from coursetools.notebooks import SETUP_CELL


def test_setup_cell_does_nothing_where_the_course_is_installed():
    result = subprocess.run([sys.executable, "-c", SETUP_CELL + "\nprint(utils.settings.MODES)"],
                            capture_output=True, text=True, cwd=ROOT / "notebooks", timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "('full', 'smoke')", result.stderr
    assert "pip" not in result.stderr


def test_setup_cell_installs_the_course_offline_from_a_local_copy(tmp_path):
    """A fresh environment without the course runs the cell against a local clone, with no network."""
    clone = tmp_path / "course"
    subprocess.run(["git", "clone", "--quiet", f"file://{ROOT}", str(clone)], check=True)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    probe = subprocess.run([python, "-c", "import utils.settings"], capture_output=True)
    assert probe.returncode != 0, "the fresh environment must not see the course yet"
    env = dict(os.environ,
               COURSE_PACKAGE=f"git+file://{clone}",
               # the course's dependencies (torch, ...) come from this environment; pip stays offline
               PYTHONPATH=sysconfig.get_paths()["purelib"],
               PIP_NO_INDEX="1", PIP_NO_DEPS="1", PIP_NO_BUILD_ISOLATION="0", PIP_IGNORE_INSTALLED="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    code = SETUP_CELL + "\nimport utils.settings, utils.plotting\nprint(utils.settings.__file__)"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().startswith(str(env_dir)), result.stdout


def test_setup_cell_installs_from_a_folder_by_copying_it_and_finds_its_weights(tmp_path):
    """COURSE_PACKAGE=/kaggle/input/NAME: a read-only folder, which pip cannot build in; the cell builds a copy,
    and the installed course (not editable) finds the book's weights in that copy, offline."""
    folder = tmp_path / "input" / "course"
    folder.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "utils", "coursetools", "weights"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, folder / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                             if (ROOT / name).is_dir() else {}))
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    env = dict(os.environ, COURSE_PACKAGE=str(folder), COURSE_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=sysconfig.get_paths()["purelib"], PIP_NO_INDEX="1", PIP_NO_DEPS="1",
               PIP_NO_BUILD_ISOLATION="0", PIP_IGNORE_INSTALLED="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    code = SETUP_CELL + ("\nfrom utils.pretrained import find_weights\n"
                         "paths, why = find_weights('ch02_latent2d')\nprint(paths['weights'], why)")
    result = subprocess.run([env_dir / "bin" / "python", "-c", code], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    found = Path(result.stdout.split()[0])
    assert found.name == "ch02_latent2d.pt" and found.parent.name == "weights" and not found.is_relative_to(folder)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before, "pip built in the folder itself"


def _fresh_python(tmp_path):
    """A fresh virtual environment that does not have the course installed."""
    env_dir = tmp_path / "bare"
    venv.create(env_dir, with_pip=True)
    return env_dir / "bin" / "python"


def test_setup_cell_offline_says_what_to_do_and_pips_real_cause(tmp_path):
    env = dict(os.environ, COURSE_PACKAGE=f"git+file://{tmp_path}/no-such-clone", PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", FORCE_COLOR="1")  # pip colours its errors, as on Colab
    result = subprocess.run([_fresh_python(tmp_path), "-c", SETUP_CELL], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=300)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("RuntimeError"))
    error = lines[start:]
    assert error[0].startswith("RuntimeError: Could not install the course from git+file://"), result.stderr
    assert "Turn the notebook's internet on" in error[0] and "%env COURSE_PACKAGE=" in error[0]
    assert f"fatal: '{tmp_path}/no-such-clone' does not appear to be a git repository" in error, error
    assert "\x1b[" not in result.stderr and "CalledProcessError" not in result.stderr
    assert "subprocess-exited-with-error" not in result.stderr, "only pip's cause, not its whole report"


def test_a_utils_py_beside_the_notebook_is_named_as_the_problem(tmp_path):
    (tmp_path / "utils.py").write_text("HELPERS = 1\n")
    result = subprocess.run([sys.executable, "-c", SETUP_CELL], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:") and "rename the utils.py or utils/ in" in last, result.stderr[-600:]
    assert "pip" not in result.stderr
