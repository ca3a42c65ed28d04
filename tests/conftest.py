"""Shared fixtures: the repository root, a headless matplotlib that tests close after them, and the checks' verdicts."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch):
    """Remove the course's environment variables so a test starts from the defaults."""
    for name in list(os.environ):
        if name.startswith("COURSE_") or name == "PLOTLY_RENDERER":
            monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def mirror():
    """The offline dataset mirror (CI points COURSE_DATA_MIRROR at ../shared/datasets)."""
    path = os.environ.get("COURSE_DATA_MIRROR")
    if not path or not Path(path).is_dir():
        pytest.skip("COURSE_DATA_MIRROR is not set to the dataset folder (make test sets it).")
    return Path(path)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Start the student editions' background run (tests/test_student.py) at once and move the tests that read
    its results to the end, so that it runs beside the rest of the suite instead of after it."""
    runs = [item for item in items if "student_run" in getattr(item, "fixturenames", ())]
    if runs and not config.option.collectonly:
        moved = {id(item) for item in runs}
        items[:] = [item for item in items if id(item) not in moved] + runs
        runs[0].module.start_student_runs(sorted({item.callspec.params["student_run"] for item in runs}))


@pytest.fixture
def close_figures():
    """Close every matplotlib figure after the test (a test file asks for it with ``pytest.mark.usefixtures``)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def verdict(capsys):
    """``verdict()``: what the checks printed since the last call, stripped (e.g. ``"✅ y: correct."``)."""
    return lambda: capsys.readouterr().out.strip()
