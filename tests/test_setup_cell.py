"""The first cell of every chapter installs the course where it is missing, and is a no-op otherwise."""

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from coursetools.notebooks import SETUP_CELL

ROOT = Path(__file__).resolve().parents[1]


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
