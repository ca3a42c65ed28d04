"""The student edition: ``student/NN_*.ipynb``, the chapters with every exercise solution replaced.

``python -m coursetools.student`` (or ``make student``) writes it from ``notebooks/``; ``--check`` only
reports whether it is up to date. In the student edition

* each coding exercise's solution cell is gone and its stub (the code with ``...`` where the answer goes)
  stands in its place, shown and run: its tags ``stub``/``remove-cell``/``nbval-skip`` become
  ``exercise-stub``. A stub never raises: its check prints "⏳ no answer yet" until the student answers, so
  the notebook runs top to bottom;
* each question's solution (a markdown dropdown) becomes a "*Your answer:*" cell tagged ``exercise-answer``;
* every other cell keeps its source and its outputs from the book's full run;
* ``metadata.course.edition`` is ``"student"``.

:func:`paste_solutions` goes the other way (student + instructor notebook -> the solutions pasted back), and
``python -m coursetools.student --run`` runs the student edition in smoke mode, then its solutions.
"""

from __future__ import annotations

import argparse
import ast
import copy
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from coursetools.notebooks import CHAPTER_PATTERN as PATTERN
from coursetools.notebooks import (
    NOTEBOOK_DIR,
    ROOT,
    cell_tags,
    environment,
    is_stub,
    normalise_metadata,
    notebook_client,
)
from utils.results import RESULTS_ENV

STUDENT_DIR = ROOT / "student"

STUB_TAGS = ("stub", "remove-cell", "nbval-skip")
STUDENT_STUB_TAG = "exercise-stub"
ANSWER_TAG = "exercise-answer"
ANSWER_TEXT = "*Your answer:* (double-click this cell and write it here)"


def _with_tags(cell, tags: list[str]):
    """Return a deep copy of ``cell`` with ``tags`` (the ``tags`` key dropped when there are none)."""
    cell = copy.deepcopy(cell)
    cell.metadata.pop("tags", None)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def _is_solution(cell, cell_type: str) -> bool:
    """True for a solution cell (tag ``solution``) of the given type."""
    return cell.cell_type == cell_type and "solution" in cell_tags(cell)


def student_edition(nb):
    """Return the student edition of instructor notebook ``nb`` (``nb`` is left unchanged).

    Raises ValueError when a code solution has no stub right before it, or a stub no solution right after it.
    """
    cells = nb.cells
    out = []
    for i, cell in enumerate(cells):
        where = f"cell {i} ({cell.source.splitlines()[0][:50] if cell.source else 'empty'!r})"
        if is_stub(cell):
            if i + 1 >= len(cells) or not _is_solution(cells[i + 1], "code"):
                raise ValueError(f"{where}: a stub must be followed by its solution code cell (tag 'solution').")
            stub = _with_tags(cell, [t for t in cell_tags(cell) if t not in STUB_TAGS] + [STUDENT_STUB_TAG])
            stub.outputs, stub.execution_count = [], None
            out.append(stub)
        elif _is_solution(cell, "code"):
            if i == 0 or not is_stub(cells[i - 1]):
                raise ValueError(f"{where}: a solution code cell needs its stub cell (tag 'stub') right before it.")
        elif _is_solution(cell, "markdown"):
            answer = new_markdown_cell(ANSWER_TEXT, metadata={"tags": [ANSWER_TAG]})
            answer.pop("id", None)  # keep the solution's id, if it has one: a fresh random id would change every build
            if "id" in cell:
                answer["id"] = cell["id"]
            out.append(answer)
        else:
            out.append(copy.deepcopy(cell))
    student = copy.deepcopy(nb)
    student.cells = out
    normalise_metadata(student)  # a Python 3 kernelspec for Colab and Kaggle, no authoring-tool metadata
    student.metadata.setdefault("course", {})["edition"] = "student"
    return student


def paste_solutions(student, instructor):
    """Return ``student`` with ``instructor``'s solutions pasted back after its stubs and in its answer cells.

    A pristine student edition gives back the instructor's cell sources exactly; a student's edited stub is
    kept (as the stub) before the solution, and an answer the student wrote is kept before the solution.
    Raises ValueError when the two notebooks do not have the same exercises.
    """
    code = [(c, instructor.cells[i + 1]) for i, c in enumerate(instructor.cells[:-1]) if is_stub(c)]
    markdown = [c for c in instructor.cells if _is_solution(c, "markdown")]
    stubs = [c for c in student.cells if STUDENT_STUB_TAG in cell_tags(c)]
    answers = [c for c in student.cells if ANSWER_TAG in cell_tags(c)]
    if (len(stubs), len(answers)) != (len(code), len(markdown)):
        raise ValueError(f"the student notebook has {len(stubs)} stubs and {len(answers)} answer cells, the "
                         f"instructor notebook {len(code)} coding and {len(markdown)} question solutions.")
    code_iter, markdown_iter = iter(code), iter(markdown)
    out = []
    for cell in student.cells:
        if STUDENT_STUB_TAG in cell_tags(cell):
            stub, solution = next(code_iter)
            restored = _with_tags(cell, cell_tags(stub))
            restored.outputs, restored.execution_count = [], None
            out += [restored, copy.deepcopy(solution)]
        elif ANSWER_TAG in cell_tags(cell):
            if cell.source.strip() != ANSWER_TEXT:
                out.append(_with_tags(cell, []))
            out.append(copy.deepcopy(next(markdown_iter)))
        else:
            out.append(copy.deepcopy(cell))
    merged = copy.deepcopy(instructor)
    merged.cells = out
    return merged


def render(nb) -> str:
    """Return ``nb`` as the exact text ``nbformat.write`` puts in a file."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def student_path(notebook: Path, student_dir: Path = STUDENT_DIR) -> Path:
    """Return where the student edition of ``notebook`` lives (same file name, in ``student_dir``)."""
    return student_dir / Path(notebook).name


def build(notebook_dir: Path = NOTEBOOK_DIR, student_dir: Path = STUDENT_DIR) -> dict[Path, str]:
    """Return {student path: file text} for every chapter in ``notebook_dir``."""
    return {student_path(path, student_dir): render(student_edition(nbformat.read(path, as_version=4)))
            for path in sorted(Path(notebook_dir).glob(PATTERN))}


def outdated(notebook_dir: Path = NOTEBOOK_DIR, student_dir: Path = STUDENT_DIR,
             wanted: dict[Path, str] | None = None) -> list[str]:
    """Return the names of student notebooks that are missing, differ from ``wanted`` (default: a fresh
    build), or have no chapter any more."""
    wanted = build(notebook_dir, student_dir) if wanted is None else wanted
    names = [p.name for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = [p.name for p in sorted(Path(student_dir).glob(PATTERN)) if p not in wanted]
    return sorted(names + extra)


def write(notebook_dir: Path = NOTEBOOK_DIR, student_dir: Path = STUDENT_DIR) -> list[str]:
    """Write the student edition into ``student_dir`` (removing chapters no longer in ``notebook_dir``);
    return the names of the files it changed."""
    wanted = build(notebook_dir, student_dir)
    changed = outdated(notebook_dir, student_dir, wanted)
    Path(student_dir).mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(student_dir).glob(PATTERN)):
        if path not in wanted:
            path.unlink()
    for path, text in wanted.items():
        if path.name in changed:
            path.write_text(text, encoding="utf-8")
    return changed


def _is_hole(node) -> bool:
    """True for a ``...`` in a stub: the expression itself, or a statement that is only ``...``."""
    if isinstance(node, ast.Expr):
        node = node.value
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _same_tree(stub, solution) -> bool:
    """True when ``solution`` has ``stub``'s syntax tree, a ``...`` in the stub standing for anything."""
    if _is_hole(stub) and (isinstance(stub, ast.expr) or isinstance(solution, ast.stmt)):
        return True
    if type(stub) is not type(solution):
        return False
    for field in stub._fields:
        mine, theirs = getattr(stub, field), getattr(solution, field)
        if isinstance(mine, list):
            if not isinstance(theirs, list) or not _same_list(mine, theirs):
                return False
        elif isinstance(mine, ast.AST) or isinstance(theirs, ast.AST):
            if not (isinstance(mine, ast.AST) and isinstance(theirs, ast.AST) and _same_tree(mine, theirs)):
                return False
        elif mine != theirs:
            return False
    return True


def _same_list(stub: list, solution: list) -> bool:
    """Match two lists of nodes; a ``...`` statement in the stub stands for any run of statements."""
    if not stub:
        return not solution
    if isinstance(stub[0], ast.stmt) and _is_hole(stub[0]):
        return any(_same_list(stub[1:], solution[i:]) for i in range(len(solution) + 1))
    return bool(solution) and _same_tree(stub[0], solution[0]) and _same_list(stub[1:], solution[1:])


def stub_matches_solution(stub: str, solution: str) -> bool:
    """True when the solution code is the stub with its ``...`` holes filled in (Neuromatch's check): the same
    names, signatures and calls around the holes, so a student who fills them gets the solution's behaviour."""
    return _same_tree(ast.parse(stub), ast.parse(solution))


def run_edition(chapter: Path, student_dir: Path = STUDENT_DIR, mode: str = "smoke", timeout: int = 300):
    """Run ``chapter``'s student edition top to bottom in ``mode`` (kernel in ``student_dir``), then its code
    solutions in the same kernel; return that notebook, with ``metadata.run`` = {mode, wall_s, error or None}."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    edition = nbformat.read(student_path(chapter, student_dir), as_version=4)
    edition.cells += [c for c in nbformat.read(chapter, as_version=4).cells if _is_solution(c, "code")]
    started, error = time.perf_counter(), None
    with tempfile.TemporaryDirectory() as sockets, environment(COURSE_MODE=mode, **{RESULTS_ENV: None}):
        try:
            notebook_client(edition, Path(student_dir), Path(sockets), timeout).execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            error = f"{type(exc).__name__}: {exc}"
    edition.metadata["run"] = {"mode": mode, "wall_s": round(time.perf_counter() - started, 1), "error": error}
    return edition


def run_command(chapters: list[Path], student_dir: Path, output: Path | None = None) -> int:
    """Run each chapter's student edition (:func:`run_edition`), print its time or error, save it in ``output``
    (if given); return 1 if any failed, else 0."""
    failed = 0
    for chapter in chapters:
        nb = run_edition(chapter.resolve(), student_dir.resolve())
        if output:  # written whole, then renamed: a reader never sees half a file
            output.mkdir(parents=True, exist_ok=True)
            partial = output / (chapter.name + ".partial")
            partial.write_text(render(nb), encoding="utf-8")
            partial.replace(output / chapter.name)
        error = nb.metadata.run["error"]
        failed += error is not None
        print(f"{chapter.name}: {nb.metadata.run['wall_s']} s, {f'FAILED{chr(10)}{error}' if error else 'ran'}",
              flush=True)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: write the student edition, check that it is up to date (exit 1 if not), or run it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the student edition is up to date")
    parser.add_argument("--run", nargs="*", type=Path, metavar="CHAPTER",
                        help="run the student edition of these chapters (default: all) in smoke mode")
    parser.add_argument("--output", type=Path, help="with --run: save the executed notebooks in this folder")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOK_DIR, help="the chapters (default: notebooks/)")
    parser.add_argument("--student", type=Path, default=STUDENT_DIR, help="where it goes (default: student/)")
    args = parser.parse_args(argv)
    if args.run is not None:
        return run_command(args.run or sorted(args.notebooks.glob(PATTERN)), args.student, args.output)
    if args.check:
        stale = outdated(args.notebooks, args.student)
        print(f"The student edition is out of date ({', '.join(stale)}): run `make student`." if stale
              else "The student edition is up to date.")
        return 1 if stale else 0
    changed = write(args.notebooks, args.student)
    print(f"Wrote {', '.join(changed)} in {args.student}." if changed else "The student edition is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
