"""Execute notebooks in place and stamp them with the ``course`` metadata the tests check.

``python -m coursetools.notebooks [NOTEBOOK ...]`` re-runs all (or the named) notebooks in full mode;
``--pin-only`` writes only the current setup cell and kernel metadata into them, without running them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat

from utils.pretrained import CHECKOUT_WEIGHTS as WEIGHTS_DIR
from utils.pretrained import MANIFEST, PRETRAINED_ENV, WEIGHTS_OUT_ENV
from utils.release import REPOSITORY, TAG
from utils.results import RESULTS_ENV

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
CHAPTER_PATTERN = "[0-9][0-9]_*.ipynb"
MAX_COMMITTED_BYTES = 2_000_000  # larger weights are published as release assets, not committed


def collapse_carriage_returns(text: str) -> str:
    """Keep, on every line, only what a terminal would show after its last ``\\r`` (progress bars)."""
    lines = text.split("\n")
    return "\n".join(line.rstrip("\r").split("\r")[-1] for line in lines)


def tidy_outputs(nb) -> None:
    """Merge consecutive stream outputs and collapse progress-bar redraws into their final state."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.outputs:
            if (output.output_type == "stream" and merged and merged[-1].output_type == "stream"
                    and merged[-1].name == output.name):
                merged[-1].text += output.text
            else:
                merged.append(output)
        for output in merged:
            if output.output_type == "stream":
                output.text = collapse_carriage_returns(output.text)
        cell.outputs = merged


# The first code cell of every chapter, word for word (the tests check it). It installs the version of the
# course that the stored outputs were made with (utils.release.TAG), and does nothing where the course is
# installed, so it cannot change an output: the code hash leaves it out (tag SETUP_TAG), and pinning a new
# version does not make every chapter's outputs stale.
SETUP_TAG = "course-setup"
SETUP_CELL = f'''\
# Setup: makes the course's `utils` package importable. On Colab or Kaggle it
# installs the version of the course this chapter was written for (about 20 s);
# where the course is already installed it does nothing.
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPOSITORY = "{REPOSITORY}"
COURSE = f"git+{{REPOSITORY}}@{TAG}"
try:
    import utils.settings  # noqa: F401
except ModuleNotFoundError as error:
    if error.name == "utils.settings":  # a utils.py or utils/ here hides the course
        raise ImportError(f"{{error}}: rename the utils.py or utils/ in {{os.getcwd()}}, "
                          "which hides the course's utils package.") from None
    if error.name != "utils":
        raise
    source = target = os.environ.get("COURSE_PACKAGE", COURSE)
    if os.path.isdir(source):  # pip builds inside a folder: build a copy, as Kaggle's
        target = shutil.copytree(  # /kaggle/input folders are read-only
            source, os.path.join(tempfile.mkdtemp(), "course"),
            ignore=shutil.ignore_patterns(".git", ".venv", "data", "_build"))
    pip = [sys.executable, "-m", "pip", "install", "--quiet", target]
    done = subprocess.run(pip, capture_output=True, text=True)
    if done.returncode != 0:  # pip's own cause: its ERROR, fatal and Hint lines
        said = re.sub(r"\\x1b\\[[0-9;]*[A-Za-z]", "", done.stderr).splitlines()
        cause = [line.strip() for line in said
                 if re.match(r"\\s*(ERROR|fatal|Hint):", line)] or said[-8:]
        raise RuntimeError(
            f"Could not install the course from {{source}}. Turn the notebook's "
            "internet on (Kaggle: Settings > Internet), or set COURSE_PACKAGE to a "
            "local copy of the course in a cell above this one (%env COURSE_PACKAGE="
            "/kaggle/input/NAME) and run this cell again. pip said:\\n"
            + "\\n".join(dict.fromkeys(cause))) from None
    importlib.invalidate_caches()'''

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def cell_tags(cell) -> list[str]:
    """Return the cell's tags (a list, empty when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def is_stub(cell) -> bool:
    """True for an exercise's student stub cell (tagged ``stub``), which the full run leaves unexecuted."""
    return cell.cell_type == "code" and "stub" in cell_tags(cell)


def normalise_metadata(nb) -> None:
    """Give the notebook the standard Python 3 kernelspec and drop authoring-tool metadata."""
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})


def setup_cell(nb):
    """Return the notebook's setup cell (its first code cell), or None when it has no code cell."""
    return next((cell for cell in nb.cells if cell.cell_type == "code"), None)


def pin_setup_cell(nb) -> None:
    """Make the first code cell the course's current SETUP_CELL, tagged SETUP_TAG (and hidden in the book)."""
    cell = setup_cell(nb)
    if cell is None or not cell.source.startswith("# Setup:"):
        raise ValueError("the first code cell of a chapter must be the setup cell (coursetools.notebooks.SETUP_CELL)")
    cell.source = SETUP_CELL
    cell.metadata["tags"] = [*dict.fromkeys([*cell_tags(cell), "hide-cell", SETUP_TAG])]


def code_sha256(nb) -> str:
    """Return the sha256 of the code that a full run executes, in order, joined with blank lines.

    Left out: the setup cell (a no-op where the course is installed) and the exercise stubs (never executed by
    a full run), so that neither a new pinned version nor a clearer stub makes the stored outputs stale.
    """
    sources = [cell.source for cell in nb.cells
               if cell.cell_type == "code" and SETUP_TAG not in cell_tags(cell) and not is_stub(cell)]
    return hashlib.sha256("\n\n".join(sources).encode("utf-8")).hexdigest()


@contextmanager
def environment(**values: str | None):
    """Set (or, for None, remove) environment variables for the duration of a ``with`` block, then restore them."""
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
        yield
    finally:
        for name, value in before.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)


def notebook_client(nb, folder: Path, sockets: Path, timeout: int | None = None, kernel_name: str = "python3",
                    **hooks):
    """Return an nbclient client that runs ``nb`` with the kernel ``kernel_name`` in ``folder``, talking over local
    (IPC) sockets in the folder ``sockets`` where the system has them, so the kernel logs no "running over TCP"
    warning; ``hooks`` are nbclient's (``on_cell_start=...``)."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    # IPC sockets need an absolute path: jupyter_client's default is relative to each process's own folder.
    ipc = {"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}}
    config = Config(ipc) if os.name != "nt" else Config()
    return NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, record_timing=False, config=config,
                          resources={"metadata": {"path": str(folder)}}, **hooks)


def run_notebook(nb, folder: Path, mode: str, timeout: int | None = None) -> tuple[dict, float]:
    """Execute ``nb`` in place (kernel in ``folder``, exercise stubs left unexecuted); return the record the
    chapter wrote through ``utils.results`` and the wall time in seconds."""
    stubs = {i: cell for i, cell in enumerate(nb.cells) if is_stub(cell)}
    nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in stubs]
    with tempfile.TemporaryDirectory() as tmp:
        record_file = Path(tmp) / "record.json"
        weights = str(WEIGHTS_DIR) if mode == "full" else None
        with environment(COURSE_MODE=mode, **{RESULTS_ENV: str(record_file), WEIGHTS_OUT_ENV: weights,
                                              PRETRAINED_ENV: None}):
            client = notebook_client(nb, folder, Path(tmp), timeout)
            started = time.perf_counter()
            client.execute()
            wall_s = time.perf_counter() - started
        record = json.loads(record_file.read_text()) if record_file.exists() else {}
    for i, cell in sorted(stubs.items()):  # exercise stubs are the student's: never run, no outputs
        cell.outputs, cell.execution_count = [], None
        nb.cells.insert(i, cell)
    return record, wall_s


def stamp(nb, record: dict, mode: str, wall_s: float) -> dict:
    """Write ``metadata.course`` (mode, device, versions, wall time, code hash, release, results) into ``nb``."""
    if record.get("mode") != mode:
        raise RuntimeError("the notebook never called utils.settings.start_chapter(); it must.")
    nb.metadata["course"] = {
        "mode": mode,
        "device": record["device"],
        "versions": record["versions"],
        "wall_s": round(wall_s, 1),
        "code_sha256": code_sha256(nb),
        "release": TAG,
        "results": record.get("results", {}),
    }
    return nb.metadata["course"]


def strip_execution_metadata(nb) -> None:
    """Drop per-cell execution timestamps (``metadata.execution``), so a re-run changes only what changed."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def execute(path: Path, mode: str = "full", timeout: int | None = None) -> dict:
    """Run ``path`` top to bottom in its folder with ``COURSE_MODE=mode``; save outputs and metadata."""
    nb = nbformat.read(path, as_version=4)
    normalise_metadata(nb)
    pin_setup_cell(nb)
    try:
        record, wall_s = run_notebook(nb, path.parent, mode, timeout)
        course = stamp(nb, record, mode, wall_s)
    except RuntimeError as error:
        raise RuntimeError(f"{path.name}: {error}") from None
    tidy_outputs(nb)
    strip_execution_metadata(nb)
    nbformat.write(nb, path)
    if record.get("weights"):
        update_manifest(record["weights"], course)
    return course


def update_manifest(saved: dict, course: dict) -> None:
    """List the weights a full run saved (file, sha256, size, chapter, the run's code hash) in the manifest."""
    from utils.data import sha256sum

    listed = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    for name, entry in saved.items():
        files = {role: {"file": file, "sha256": sha256sum(WEIGHTS_DIR / file),
                        "size": (WEIGHTS_DIR / file).stat().st_size} for role, file in entry["files"].items()}
        listed[name] = {"chapter": entry["chapter"], "device": course["device"],
                        "code_sha256": course["code_sha256"], "published": "repository", "files": files}
        size = sum(info["size"] for info in files.values())
        if size > MAX_COMMITTED_BYTES:
            listed.pop(name)  # too large for the repository: listed once published as a release asset
            print(f"  {name}: {size / 1e6:.1f} MB, not listed; publish it as a release asset (see README)")
    MANIFEST.write_text(json.dumps(dict(sorted(listed.items())), indent=1) + "\n")


def pin(path: Path) -> bool:
    """Write the current setup cell and kernel metadata into the notebook at ``path`` without running it (outputs,
    ``metadata.course`` and the code hash stay as they are); return whether the file changed."""
    nb = nbformat.read(path, as_version=4)
    before, code = nbformat.writes(nb), code_sha256(nb)
    normalise_metadata(nb)
    pin_setup_cell(nb)
    if code_sha256(nb) != code:
        raise RuntimeError(f"{path.name}: pinning would change its code hash (its setup cell was not tagged "
                           f"{SETUP_TAG!r}): run it in full instead (make outputs NB={path})")
    if nbformat.writes(nb) == before:
        return False
    nbformat.write(nb, path)
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line: execute the named notebooks (default: all in notebooks/) in full mode, or only pin them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    parser.add_argument("--mode", default="full", choices=("full", "smoke"))
    parser.add_argument("--pin-only", action="store_true",
                        help="only write the current setup cell and kernel metadata (no run; outputs kept)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob(CHAPTER_PATTERN))
    if args.pin_only:
        for path in paths:
            print(f"{path}: {'setup cell and metadata pinned' if pin(path) else 'already pinned'}", flush=True)
        return 0
    for path in paths:
        print(f"Executing {path} in {args.mode} mode ...", flush=True)
        course = execute(path.resolve(), mode=args.mode)
        print(f"  {course['wall_s']} s on {course['device']}: {json.dumps(course['results'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
