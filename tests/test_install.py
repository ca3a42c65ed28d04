"""Installing the course where torch is already installed (Colab, Kaggle) leaves torch, torchvision and numpy alone.

The test makes a fresh virtual environment that already "holds" this environment's torch, torchvision and numpy
(its site-packages folder is on the new environment's path, as a preinstalled system is on Colab), installs a
copy of the course into it with pip, as the setup cell does, and checks what pip installed and where the three
packages are imported from afterwards. Nothing is downloaded: every requirement is already satisfied.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import ROOT

KEPT = ("torch", "torchvision", "numpy")
WHERE = "import json, {names}; print(json.dumps({{n: [m.__version__, m.__file__] for n, m in (({pairs}))}}))"


def imported(python: Path) -> dict[str, list[str]]:
    """The version and file of torch, torchvision and numpy as ``python`` imports them."""
    code = WHERE.format(names=", ".join(KEPT), pairs=", ".join(f"({n!r}, {n})" for n in KEPT) + ",")
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


def course_copy(target: Path) -> Path:
    """Copy what ``pip install`` of the checkout reads (the packages and pyproject) to ``target``."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    for package in ("utils", "coursetools"):
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_installing_the_course_where_torch_is_installed_keeps_torch_torchvision_and_numpy(tmp_path):
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    new_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip())
    (new_site / "preinstalled.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    before = imported(python)
    assert all(Path(file).is_relative_to(sysconfig.get_paths()["purelib"]) for _, file in before.values())

    source = course_copy(tmp_path / "course")
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                           "--no-build-isolation", "--report", str(report), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    installed = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert "tconv-course" in installed
    assert not installed & {*KEPT, "triton"} and not any(n.startswith("nvidia-") for n in installed), installed
    assert imported(python) == before
    found = subprocess.run([str(python), "-c", "import utils.settings; print(utils.settings.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip()
    assert Path(found).is_relative_to(new_site), found  # the course itself went into the new environment


def requirement_lines() -> list[str]:
    """Every requirement the course declares: requirements.txt and pyproject.toml's dependencies and extras."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and newer
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [req for group in project.get("optional-dependencies", {}).values() for req in group]
    return [line for line in lines + project["dependencies"] + extras if line]


def upper_pinned(requirement: str) -> bool:
    """Whether a requirement caps its version from above (<, <=, ==, ~=, or ===)."""
    return bool(re.search(r"(<|==|~=)", requirement))


def test_torch_torchvision_and_numpy_are_never_pinned_from_above():
    pinned = [req for req in requirement_lines()
              if re.match(r"(torch|torchvision|numpy)\b(?![-\w])", req) and upper_pinned(req)]
    assert pinned == [], pinned
    assert {re.match(r"[\w-]+", req).group() for req in requirement_lines()} >= set(KEPT)


def test_upper_pinned_spots_caps_and_lets_lower_bounds_pass():
    assert not upper_pinned("numpy>=1.26") and not upper_pinned("torch")
    assert all(upper_pinned(req) for req in ("numpy<2", "numpy>=1.26,<2.1", "numpy==1.26.4", "numpy~=1.26",
                                             "torch<=2.5"))


def test_the_pinned_version_is_the_package_version():
    """The setup cell installs the tag ``v{VERSION}`` of utils/release.py; the package's own version must be the
    same, so that the version a notebook pins and the version pip reports never disagree."""
    from importlib import metadata

    from coursetools.notebooks import SETUP_CELL
    from utils.release import TAG, VERSION

    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "utils.release.VERSION"}
    assert TAG == f"v{VERSION}" and f"@{TAG}" in SETUP_CELL.replace('{REPOSITORY}', '')
    assert metadata.version("tconv-course") == VERSION, (
        f"the installed course is {metadata.version('tconv-course')}, utils/release.py says {VERSION}: "
        "run `make setup` to reinstall")
