"""Measure how long a chapter's full run takes on this machine's CPU and record it for the instructors' guide.

``python -m coursetools.timings NOTEBOOK ...`` runs a copy of each notebook in full mode on the CPU (the
notebook itself is not touched) and stores its wall time in ``book/cpu_timings.json``; then ``make student``
writes the guide again. A full CPU run of a chapter takes minutes to hours.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

from coursetools.notebooks import ROOT, execute

TIMINGS_FILE = ROOT / "book" / "cpu_timings.json"


def check_entry(name: str, entry, where: str = "timings") -> None:
    """Raise ValueError unless ``entry`` is {"wall_s": seconds > 0, "device": text}."""
    wall_s = entry.get("wall_s") if isinstance(entry, dict) else None
    if (not isinstance(wall_s, (int, float)) or isinstance(wall_s, bool) or not math.isfinite(wall_s)
            or wall_s <= 0 or not isinstance(entry.get("device"), str)):
        raise ValueError(f"{where}: {name!r} must be {{\"wall_s\": seconds > 0, \"device\": text}}, got {entry!r}.")


def load_timings(path: Path = TIMINGS_FILE) -> dict[str, dict]:
    """Return {chapter: {"wall_s": seconds, "device": text}} from ``path`` ({} when the file is missing)."""
    path = Path(path)
    if not path.exists():
        return {}
    timings = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(timings, dict):
        raise ValueError(f"{path}: expected an object {{chapter: {{\"wall_s\": ..., \"device\": ...}}}}.")
    for name, entry in timings.items():
        check_entry(name, entry, str(path))
    return timings


def save_timing(name: str, wall_s: float, device: str, path: Path = TIMINGS_FILE) -> dict[str, dict]:
    """Store one chapter's time in ``path`` (keys sorted, so the file changes only where a time did); return all."""
    entry = {"wall_s": round(float(wall_s), 1), "device": device}
    check_entry(name, entry)
    timings = dict(sorted({**load_timings(path), name: entry}.items()))
    Path(path).write_text(json.dumps(timings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return timings


def time_notebook(notebook: Path, device: str = "cpu", mode: str = "full") -> dict:
    """Run a copy of ``notebook`` in ``mode`` on ``device`` (COURSE_DEVICE); return {"wall_s", "device"}."""
    before = os.environ.get("COURSE_DEVICE")
    os.environ["COURSE_DEVICE"] = device
    try:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(shutil.copy(notebook, Path(tmp) / Path(notebook).name))
            course = execute(copy, mode=mode)
    finally:
        os.environ.pop("COURSE_DEVICE") if before is None else os.environ.__setitem__("COURSE_DEVICE", before)
    return {"wall_s": course["wall_s"], "device": course["device"]}


def main(argv: list[str] | None = None) -> int:
    """Command line: time each named notebook's full run on the CPU and record it in the timings file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the chapters to time")
    parser.add_argument("--output", type=Path, default=TIMINGS_FILE, help="default: book/cpu_timings.json")
    args = parser.parse_args(argv)
    load_timings(args.output)  # a broken file stops us before hours of running, not after
    for notebook in args.notebooks:
        print(f"Running {notebook} in full mode on the CPU ...", flush=True)
        entry = time_notebook(notebook.resolve())
        save_timing(notebook.stem, entry["wall_s"], entry["device"], args.output)
        print(f"  {entry['wall_s']} s on {entry['device']}: recorded in {args.output}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
