"""Run one chapter from the command line: ``make run NB=notebooks/02_mnist_autoencoder.ipynb [MODE=smoke]``.

``python -m coursetools.run NOTEBOOK [--mode smoke] [--kernel NAME] [--output FOLDER]`` executes a *copy* of the
notebook top to bottom in its own folder (so its relative paths work), with the kernel ``NAME`` over local
sockets, printing one progress line per code cell, and writes the executed copy to ``FOLDER`` (default
``_build/run/``, git-ignored). The notebook itself and its stored outputs are never touched (``make outputs`` is
what stores a full run), no weights are saved, and the environment's ``COURSE_PRETRAINED`` and
``COURSE_DEVICE`` apply. An instructor notebook's exercise stubs are left out, as in the book's runs; a student
edition runs every cell, stubs included.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from coursetools.notebooks import ROOT, environment, is_stub, notebook_client, tidy_outputs
from utils.pretrained import WEIGHTS_OUT_ENV
from utils.results import RESULTS_ENV

OUTPUT_DIR = ROOT / "_build" / "run"


def cell_line(cell, number: int, total: int) -> str:
    """The start of a cell's progress line: ``[ 3/41] first line of its code``, cut to fit a terminal."""
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    first = first if len(first) <= 60 else first[:59] + "…"
    return f"[{number:>{len(str(total))}}/{total}] {first}"


class Progress:
    """nbclient hooks that print one line per code cell it runs: its number and first line, then its time (or
    that it failed)."""

    def __init__(self, cells: list, out=None):
        code = [i for i, cell in enumerate(cells) if cell.cell_type == "code" and cell.source.strip()]
        self.numbers = {index: number for number, index in enumerate(code, 1)}  # cell index -> code cell number
        self.out, self.started = out or sys.stdout, 0.0

    def start(self, cell, cell_index: int) -> None:
        self.started = time.perf_counter()
        line = cell_line(cell, self.numbers[cell_index], len(self.numbers))
        print(line.ljust(72), end=" ", file=self.out, flush=True)  # the time follows when the cell is done

    def executed(self, cell, cell_index: int, execute_reply) -> None:
        status = execute_reply.get("content", {}).get("status", "ok") if execute_reply else "ok"
        took = f"{time.perf_counter() - self.started:.1f} s"
        print(took if status == "ok" else f"{took}, failed", file=self.out, flush=True)


def run_copy(path: Path, mode: str, kernel: str, output: Path, timeout: int | None = None) -> tuple[Path, str | None]:
    """Execute a copy of the notebook at ``path`` in ``mode`` with ``kernel``; write it into ``output``. Return the
    executed copy's path and the error (None when every cell ran)."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    nb.cells = [cell for cell in nb.cells if not is_stub(cell)]
    progress, error = Progress(nb.cells), None
    with tempfile.TemporaryDirectory() as sockets, environment(
            COURSE_MODE=mode, **{RESULTS_ENV: None, WEIGHTS_OUT_ENV: None}):
        client = notebook_client(nb, path.parent, Path(sockets), timeout, kernel_name=kernel,
                                 on_cell_execute=progress.start, on_cell_executed=progress.executed)
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            error = f"{type(exc).__name__}: {exc}"
    tidy_outputs(nb)
    output.mkdir(parents=True, exist_ok=True)
    target = output / path.name
    nbformat.write(nb, target)
    return target, error


def main(argv: list[str] | None = None) -> int:
    """Command line: run one notebook into a copy; exit 1 when a cell fails, 2 when the kernel is not there."""
    from jupyter_client.kernelspec import NoSuchKernel

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path, help="the chapter to run, e.g. notebooks/02_mnist_autoencoder.ipynb")
    parser.add_argument("--mode", default="full", choices=("full", "smoke"), help="default: full")
    parser.add_argument("--kernel", default="python3", help="the Jupyter kernel (make run: tconv-course)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help="where the executed copy goes")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        parser.error(f"{args.notebook} is not a notebook file; give one such as notebooks/01_*.ipynb")
    print(f"Running {args.notebook} in {args.mode} mode with the kernel {args.kernel} ...", flush=True)
    started = time.perf_counter()
    try:
        target, error = run_copy(args.notebook.resolve(), args.mode, args.kernel, args.output.resolve())
    except NoSuchKernel:
        print(f"There is no Jupyter kernel named {args.kernel!r}: run `make kernel` (make run does it first).")
        return 2
    if error:
        print(error[-3000:], file=sys.stderr, flush=True)
    print(f"{'Stopped at an error' if error else 'Done'} after {time.perf_counter() - started:.0f} s; the executed "
          f"copy is {target}.", flush=True)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
