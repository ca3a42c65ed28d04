"""Measure how long a chapter's full run takes on this machine's CPU and record it for the instructors' guide.

``python -m coursetools.timings NOTEBOOK ...`` (or ``make timings NB=NOTEBOOK``) runs a copy of each notebook in
full mode on the CPU (the notebook itself, its weights and the manifest are not touched) and stores its wall time
in ``utils/cpu_timings.json``; then ``make student`` writes the guide again. The file ships with the package:
``utils.settings.start_chapter`` reads it to say how long a chapter without published weights trains.

- A chapter whose full CPU run takes hours (:data:`ESTIMATED`, or ``--estimate``) is not run in full: a run with
  every epoch setting of its full sizes (``epochs``, ``sweep_epochs``, ...) cut to one epoch is timed, then one
  run per setting with one epoch more; each setting's time per epoch is the difference, and the full run's time
  is extrapolated from them. The guide labels it "estimated from timed runs of 1 and 2 epochs".
- ``--from-stored`` records the wall time of the notebook's stored full run (``make outputs``, made on this CPU
  with nothing else running) instead of running it again; it refuses a stored run that is stale, not from a full
  run, or not from a CPU.
- ``--pretrained`` times the run with ``COURSE_PRETRAINED=1`` (the book's weights loaded instead of training).
  It refuses when the chapter's weights are not published, rather than time a training run under that label.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    import nbformat
    from nbformat.v4 import new_code_cell

    from coursetools.notebooks import code_sha256, environment, is_stub, notebook_client
    from utils.pretrained import CPU_TIMINGS, PRETRAINED_ENV, WEIGHTS_OUT_ENV
    from utils.results import RESULTS_ENV
except ModuleNotFoundError as error:  # the system Python, not the course's environment
    raise SystemExit(
        f"coursetools.timings needs the course's environment ({error.name!r} is not installed in {sys.executable}): "
        "run `make timings NB=notebooks/NN_name.ipynb`, or `.venv/bin/python -m coursetools.timings ...` "
        "after `make setup`.") from None

TIMINGS_FILE = CPU_TIMINGS  # in the package: utils.pretrained reads it too (how long a chapter trains)
# Chapters whose full run takes hours on a laptop CPU: their CPU time is extrapolated from short runs.
ESTIMATED = frozenset({"05_cifar10_bottleneck", "06_dcgan_faces"})
LOADED = "Loaded the book's trained weights"
TRAIN_OR_LOAD = re.compile(r"train_or_load\(\s*\w+\s*,\s*[\"']([^\"']+)[\"']")
WEIGHT_NAME = re.compile(r"[\"'](ch\d\d_\w+)[\"']")  # how the book's weights are named in weights_manifest.json
WEIGHT_PREFIX = re.compile(r"\bf[\"'](ch\d\d_\w*)\{")  # a name built in an f-string: f"ch04_dae_{loss}"


def _check_run(name: str, entry, where: str, what: str) -> None:
    """Raise ValueError unless ``entry`` is {"wall_s": seconds > 0, "device": text}."""
    wall_s = entry.get("wall_s") if isinstance(entry, dict) else None
    if (not isinstance(wall_s, (int, float)) or isinstance(wall_s, bool) or not math.isfinite(wall_s)
            or wall_s <= 0 or not isinstance(entry.get("device"), str)):
        raise ValueError(f"{where}: {name!r}{what} must be {{\"wall_s\": seconds > 0, \"device\": text}}, "
                         f"got {entry!r}.")


def check_entry(name: str, entry, where: str = "timings") -> None:
    """Raise ValueError unless ``entry`` is {"wall_s", "device"} with, optionally, "estimated_from_epochs"
    ([n, n + 1]: the epochs of the timed runs) and "pretrained" (the run with COURSE_PRETRAINED=1)."""
    _check_run(name, entry, where, "")
    epochs = entry.get("estimated_from_epochs")
    if epochs is not None and not (isinstance(epochs, list) and len(epochs) == 2
                                   and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in epochs)
                                   and epochs[1] == epochs[0] + 1):
        raise ValueError(f"{where}: {name!r} estimated_from_epochs must be [n, n + 1], got {epochs!r}.")
    if "pretrained" in entry:
        _check_run(name, entry["pretrained"], where, " pretrained")
    unknown = set(entry) - {"wall_s", "device", "estimated_from_epochs", "pretrained"}
    if unknown:
        raise ValueError(f"{where}: {name!r} has unknown keys {sorted(unknown)} (wall_s, device, "
                         "estimated_from_epochs, pretrained).")


def load_timings(path: Path = TIMINGS_FILE) -> dict[str, dict]:
    """Return {chapter: {"wall_s": seconds, "device": text, ...}} from ``path`` ({} when the file is missing)."""
    path = Path(path)
    if not path.exists():
        return {}
    timings = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(timings, dict):
        raise ValueError(f"{path}: expected an object {{chapter: {{\"wall_s\": ..., \"device\": ...}}}}.")
    for name, entry in timings.items():
        check_entry(name, entry, str(path))
    return timings


def _write(timings: dict, path: Path) -> dict[str, dict]:
    """Write the timings sorted by chapter (so the file changes only where a time did); return them."""
    timings = dict(sorted(timings.items()))
    Path(path).write_text(json.dumps(timings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return timings


def save_timing(name: str, wall_s: float, device: str, path: Path = TIMINGS_FILE,
                estimated_from_epochs: list[int] | None = None) -> dict[str, dict]:
    """Store one chapter's full-run time in ``path`` (keeping its pretrained time); return all timings."""
    timings = load_timings(path)
    entry = {"wall_s": round(float(wall_s), 1), "device": device}
    if estimated_from_epochs is not None:
        entry["estimated_from_epochs"] = list(estimated_from_epochs)
    if "pretrained" in timings.get(name, {}):
        entry["pretrained"] = timings[name]["pretrained"]
    check_entry(name, entry)
    return _write({**timings, name: entry}, path)


def save_pretrained_timing(name: str, wall_s: float, device: str, path: Path = TIMINGS_FILE) -> dict[str, dict]:
    """Store one chapter's time with COURSE_PRETRAINED=1 beside its full-run time (which must be there)."""
    timings = load_timings(path)
    if name not in timings:
        raise ValueError(f"{path}: {name!r} has no full-run time yet: time it first "
                         f"(python -m coursetools.timings notebooks/{name}.ipynb).")
    entry = {**timings[name], "pretrained": {"wall_s": round(float(wall_s), 1), "device": device}}
    check_entry(name, entry)
    return _write({**timings, name: entry}, path)


def epoch_settings(chapter: str) -> dict[str, int]:
    """The epoch settings (``epochs``, ``sweep_epochs``, ...) of ``chapter``'s full sizes in utils.settings."""
    from utils.settings import SIZES

    full = SIZES.get(chapter, {}).get("full", {})
    return {key: value for key, value in full.items() if key.endswith("epochs") and isinstance(value, int)
            and not isinstance(value, bool)}


def every_settings(chapter: str) -> dict[str, int]:
    """The settings of ``chapter``'s full sizes that say every how many epochs something happens (``*_every``)."""
    from utils.settings import SIZES

    return {key: value for key, value in SIZES.get(chapter, {}).get("full", {}).items() if key.endswith("_every")
            and isinstance(value, int) and not isinstance(value, bool)}


def sizes_cell(chapter: str, overrides: dict) -> str:
    """The code of a first cell that changes ``chapter``'s full sizes in the kernel before the chapter reads them."""
    return (f"import utils.settings as _sizes\n_sizes.SIZES[{chapter!r}]['full'].update({overrides!r})\n"
            "del _sizes")


def weights_needed(nb, published=()) -> list[str]:
    """The names of the trained models the notebook's code passes to ``train_or_load``: string literals in the
    call, names of the book's weights ("chNN_...") the code holds elsewhere, as in a dict it passes from, and the
    ``published`` names that an f-string's start ``f"chNN_...{`` builds ("chNN_...*" when none is published), and
    chapter 8's digit judge where ``utils.sample_quality.digit_judge`` is called."""
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    if "train_or_load(" not in code:
        return []
    from utils.sample_quality import JUDGE_NAME  # digit_judge(...) loads it through train_or_load

    built = [[name for name in sorted(published) if name.startswith(prefix)] or [prefix + "*"]
             for prefix in WEIGHT_PREFIX.findall(code)]
    judge = [JUDGE_NAME] if "digit_judge(" in code else []
    return list(dict.fromkeys(TRAIN_OR_LOAD.findall(code) + WEIGHT_NAME.findall(code) + sum(built, []) + judge))


def printed(nb) -> str:
    """Everything the executed notebook's cells printed (stream outputs), as one text."""
    return "".join(output.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if output.get("output_type") == "stream")


def run_copy(notebook: Path, device: str = "cpu", mode: str = "full", overrides: dict | None = None,
             pretrained: bool = False, timeout: int | None = None) -> dict:
    """Run a copy of ``notebook`` (stubs left out) in ``mode`` on ``device``, its sizes changed by ``overrides``;
    return {"wall_s", "device", "loaded": whether it loaded the book's weights, "trained": whether it trained}.

    Nothing of the checkout changes: the copy runs in a temporary folder, no weights are saved (unlike a full run
    of ``coursetools.notebooks``), and the kernel talks over local sockets where it can (no TCP warning)."""
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [cell for cell in nb.cells if not is_stub(cell)]
    if overrides:
        nb.cells.insert(0, new_code_cell(sizes_cell(notebook.stem, overrides)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notebooks"
        folder.mkdir()
        record_file = Path(tmp) / "record.json"
        values = {"COURSE_DEVICE": device, "COURSE_MODE": mode, WEIGHTS_OUT_ENV: None,
                  PRETRAINED_ENV: "1" if pretrained else None, RESULTS_ENV: str(record_file)}
        with environment(**values):
            client = notebook_client(nb, folder, Path(tmp), timeout)
            started = time.perf_counter()
            client.execute()
            wall_s = time.perf_counter() - started
        record = json.loads(record_file.read_text()) if record_file.exists() else {}
    if "device" not in record:
        raise RuntimeError(f"{notebook.name} never called utils.settings.start_chapter(); it must.")
    text = printed(nb)
    return {"wall_s": wall_s, "device": record["device"], "loaded": LOADED in text,
            "trained": bool(re.search(r"^Training \S+ here", text, re.MULTILINE))}


def time_notebook(notebook: Path, device: str = "cpu", mode: str = "full", runner: Callable = run_copy) -> dict:
    """Time a whole run of a copy of ``notebook`` in ``mode`` on ``device``; return {"wall_s", "device"}."""
    run = runner(notebook, device=device, mode=mode)
    return {"wall_s": run["wall_s"], "device": run["device"]}


def estimate_notebook(notebook: Path, epochs: int = 1, device: str = "cpu", runner: Callable = run_copy) -> dict:
    """Extrapolate a full run's time from short runs: every epoch setting cut to ``epochs``, then each setting in
    turn one epoch longer; return {"wall_s", "device", "estimated_from_epochs": [epochs, epochs + 1]}."""
    full = epoch_settings(Path(notebook).stem)
    short = {key: min(value, epochs) for key, value in full.items()}
    # What happens every k epochs (frame_every: a frame of an animation) still happens in the short runs.
    short.update({key: min(value, epochs) for key, value in every_settings(Path(notebook).stem).items()})
    base = runner(notebook, device=device, overrides=short)
    total = base["wall_s"]
    for key, value in full.items():
        if value > short[key]:
            longer = runner(notebook, device=device, overrides={**short, key: short[key] + 1})
            per_epoch = max(longer["wall_s"] - base["wall_s"], 0.0)
            print(f"  {key}: {per_epoch:.1f} s per epoch, {value} epochs in full mode", flush=True)
            total += per_epoch * (value - short[key])
    return {"wall_s": total, "device": base["device"], "estimated_from_epochs": [epochs, epochs + 1]}


def stored_run(notebook: Path) -> dict:
    """Return {"wall_s", "device"} of ``notebook``'s stored full CPU run; raise ValueError when its outputs are
    not from a full run of this code on a CPU (that time would not be this code's CPU time)."""
    nb = nbformat.read(notebook, as_version=4)
    course = nb.metadata.get("course") or {}
    fix = f"run `make outputs NB=notebooks/{Path(notebook).name}` on this CPU first"
    if course.get("mode") != "full" or course.get("code_sha256") != code_sha256(nb):
        raise ValueError(f"{Path(notebook).name}'s stored outputs are not from a full run of its code: {fix}.")
    if not str(course.get("device", "")).startswith("cpu"):
        raise ValueError(f"{Path(notebook).name}'s stored run used {course.get('device')!r}, not a CPU: {fix}.")
    return {"wall_s": course["wall_s"], "device": course["device"]}


def time_pretrained(notebook: Path, device: str = "cpu", runner: Callable = run_copy) -> dict:
    """Time a full run with COURSE_PRETRAINED=1; raise ValueError when the book's weights are not published,
    or when the run trained a model anyway (the time would be a training time)."""
    from utils.pretrained import manifest

    needed = weights_needed(nbformat.read(notebook, as_version=4), manifest())
    if not needed and epoch_settings(Path(notebook).stem):
        raise ValueError(f"{Path(notebook).name} trains (it has epoch settings) but calls no train_or_load: with "
                         "COURSE_PRETRAINED=1 it would train anyway, so that time is not measured yet.")
    missing = [name for name in needed if name not in manifest()]
    if missing:
        raise ValueError(f"{Path(notebook).name}: the book has no published weights for {', '.join(missing)} "
                         "(utils/weights_manifest.json): its time with COURSE_PRETRAINED=1 is not measured yet.")
    run = runner(notebook, device=device, pretrained=True)
    if run["trained"]:
        raise ValueError(f"{Path(notebook).name} trained a model with COURSE_PRETRAINED=1 (see its output): "
                         "not recorded as a time with the book's weights.")
    return {"wall_s": run["wall_s"], "device": run["device"]}


def main(argv: list[str] | None = None) -> int:
    """Command line: time each named notebook on the CPU and record it in the timings file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the chapters to time")
    parser.add_argument("--output", type=Path, default=TIMINGS_FILE, help="default: utils/cpu_timings.json")
    parser.add_argument("--pretrained", action="store_true",
                        help="time the run with COURSE_PRETRAINED=1 (the book's weights) instead")
    parser.add_argument("--from-stored", action="store_true",
                        help="record the stored full run's wall time (make outputs on this CPU) instead of running")
    parser.add_argument("--estimate", action="store_true",
                        help="extrapolate from short runs for every chapter, not only " + ", ".join(sorted(ESTIMATED)))
    parser.add_argument("--epochs", type=int, default=1, help="epochs of the short runs of an estimate (default 1)")
    args = parser.parse_args(argv)
    load_timings(args.output)  # a broken file stops us before hours of running, not after
    for notebook in args.notebooks:
        name = notebook.stem
        measure = time_pretrained if args.pretrained else stored_run if args.from_stored else None
        if measure is not None:
            if args.pretrained:
                print(f"Running {notebook} in full mode on the CPU with COURSE_PRETRAINED=1 ...", flush=True)
            try:
                entry = measure(notebook.resolve())
            except ValueError as error:
                print(f"  not recorded: {error}", flush=True)
                continue
            save = save_pretrained_timing if args.pretrained else save_timing
            save(name, entry["wall_s"], entry["device"], args.output)
        elif args.estimate or name in ESTIMATED:
            print(f"Timing short runs of {notebook} on the CPU to estimate its full run ...", flush=True)
            entry = estimate_notebook(notebook.resolve(), epochs=args.epochs)
            save_timing(name, entry["wall_s"], entry["device"], args.output, entry["estimated_from_epochs"])
        else:
            print(f"Running {notebook} in full mode on the CPU ...", flush=True)
            entry = time_notebook(notebook.resolve())
            save_timing(name, entry["wall_s"], entry["device"], args.output)
        print(f"  {entry['wall_s']:.1f} s on {entry['device']}: recorded in {args.output}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
