"""Execute notebooks in place and stamp them with the ``course`` metadata the tests check.

``python -m coursetools.notebooks [NOTEBOOK ...]`` re-runs all (or the named) notebooks in full mode.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
CHAPTER_PATTERN = "[0-9][0-9]_*.ipynb"


def code_sha256(nb) -> str:
    """Return the sha256 of the notebook's code-cell sources, in order, joined with blank lines."""
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    return hashlib.sha256("\n\n".join(sources).encode("utf-8")).hexdigest()


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


# The first code cell of every chapter, word for word (the tests check it).
SETUP_CELL = '''\
# Setup: makes the course's `utils` package importable. On Colab or Kaggle this installs the
# course from GitHub (about 20 s); where the course is already installed it does nothing.
import importlib
import os
import subprocess
import sys

try:
    import utils.settings  # noqa: F401
except ModuleNotFoundError:
    source = os.environ.get("COURSE_PACKAGE", "git+https://github.com/tconv-course/transpose-conv-autoencoders-gans")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
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


def execute(path: Path, mode: str = "full", timeout: int | None = None) -> dict:
    """Run ``path`` top to bottom in its folder with ``COURSE_MODE=mode``; save outputs and metadata."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    normalise_metadata(nb)
    with tempfile.TemporaryDirectory() as tmp:
        record_file = Path(tmp) / "record.json"
        env_before = {k: os.environ.get(k) for k in ("COURSE_MODE", "COURSE_RESULTS_FILE")}
        os.environ.update(COURSE_MODE=mode, COURSE_RESULTS_FILE=str(record_file))
        try:
            stubs = {i: cell for i, cell in enumerate(nb.cells) if is_stub(cell)}
            nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in stubs]
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            started = time.perf_counter()
            client.execute()
            wall_s = time.perf_counter() - started
            for i, cell in sorted(stubs.items()):  # exercise stubs are the student's: never run, no outputs
                cell.outputs, cell.execution_count = [], None
                nb.cells.insert(i, cell)
        finally:
            for key, value in env_before.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        record = json.loads(record_file.read_text()) if record_file.exists() else {}
    if record.get("mode") != mode:
        raise RuntimeError(f"{path.name} never called utils.settings.start_chapter(); it must.")
    tidy_outputs(nb)
    import torch
    import torchvision

    nb.metadata["course"] = {
        "mode": mode,
        "device": record["device"],
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "torchvision": torchvision.__version__},
        "wall_s": round(wall_s, 1),
        "code_sha256": code_sha256(nb),
        "results": record.get("results", {}),
    }
    nbformat.write(nb, path)
    return nb.metadata["course"]


def main(argv: list[str] | None = None) -> int:
    """Command line: execute the named notebooks (default: all in notebooks/) in full mode."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    parser.add_argument("--mode", default="full", choices=("full", "smoke"))
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob(CHAPTER_PATTERN))
    for path in paths:
        print(f"Executing {path} in {args.mode} mode ...", flush=True)
        course = execute(path.resolve(), mode=args.mode)
        print(f"  {course['wall_s']} s on {course['device']}: {json.dumps(course['results'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
