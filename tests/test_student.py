"""The student edition (coursetools.student): how it is made, that the committed one is up to date, that it
runs in smoke mode with every untouched stub's check saying "⏳ no answer yet" (never ❌ or ✅), and that
pasting the solutions back gives the instructor's notebook, whose solutions pass their checks.

Stubs never raise (that is the course's choice): `answer = ...` makes a check print "no answer yet", and so
does a stub function that still returns None, so the student edition runs top to bottom.
"""

import ast
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from coursetools import student
from coursetools.student import (
    ANSWER_TAG,
    ANSWER_TEXT,
    STUDENT_STUB_TAG,
    build,
    cell_tags,
    outdated,
    paste_solutions,
    render,
    run_edition,
    student_edition,
    student_path,
    write,
)
from utils.data import data_dir

ROOT = student.ROOT
CHAPTERS = sorted((ROOT / "notebooks").glob(student.PATTERN))
PASS, FAIL, PENDING, UNANSWERED = "✅", "❌", "⏳", "no answer yet"


# ---------------------------------------------------------------- the transformation, on a small notebook

def synthetic():
    """Title, a code cell with output, a coding exercise (stub + solution) and a question exercise."""
    return new_notebook(cells=[
        new_markdown_cell("# 9. Demo"),
        new_code_cell("x = 2", execution_count=1, outputs=[new_output("stream", name="stdout", text="kept\n")]),
        new_markdown_cell("### Exercise 9.1: double\n\n*Difficulty: ★☆☆ · Assesses: doubling.*",
                          metadata={"tags": ["exercise"]}),
        new_code_cell("answer = ...\ncheck_number(answer, 4)",
                      metadata={"tags": ["stub", "remove-cell", "nbval-skip", "keep-me"]}),
        new_code_cell("answer = 2 * x\ncheck_number(answer, 4)", metadata={"tags": ["solution", "hide-input"]},
                      execution_count=2, outputs=[new_output("stream", name="stdout", text="✅ answer: correct.\n")]),
        new_markdown_cell("### Exercise 9.2: why\n\n*Difficulty: ★★☆ · Assesses: reading.*",
                          metadata={"tags": ["exercise"]}),
        new_markdown_cell("```{admonition} Solution\n:class: dropdown\n\nBecause.\n```",
                          metadata={"tags": ["solution"]}),
        new_code_cell("y = x + 1", execution_count=3),
    ], metadata={"course": {"mode": "full"}})


def test_student_edition_puts_each_stub_in_place_of_its_solution():
    nb = student_edition(synthetic())
    assert len(nb.cells) == 7
    stub = nb.cells[3]
    assert stub.source == "answer = ...\ncheck_number(answer, 4)"
    assert cell_tags(stub) == ["keep-me", STUDENT_STUB_TAG], "stub tags are cleaned so the cell shows and runs"
    assert stub.outputs == [] and stub.execution_count is None
    assert not any("solution" in cell_tags(c) or "2 * x" in c.source for c in nb.cells)


def test_student_edition_replaces_question_solutions_by_an_answer_cell():
    instructor = synthetic()
    nb = student_edition(instructor)
    answer = nb.cells[5]
    assert answer.cell_type == "markdown" and answer.source == ANSWER_TEXT
    assert answer.source.startswith("*Your answer:*")
    assert cell_tags(answer) == [ANSWER_TAG] and answer.id == instructor.cells[6].id
    assert "Because" not in render(nb)


def test_student_edition_keeps_other_cells_with_their_outputs_and_marks_the_edition():
    instructor = synthetic()
    before = render(instructor)
    nb = student_edition(instructor)
    assert [c.source for c in nb.cells[:3]] == [c.source for c in instructor.cells[:3]]
    assert nb.cells[1].outputs[0].text == "kept\n" and nb.cells[1].execution_count == 1
    assert nb.cells[6].source == "y = x + 1"
    assert nb.metadata.course == {"mode": "full", "edition": "student"}
    assert nb.metadata.kernelspec["name"] == "python3" and "kernelspec" not in instructor.metadata
    assert render(instructor) == before, "the instructor notebook must be left unchanged"
    assert render(student_edition(instructor)) == render(nb), "the output must be deterministic"
    del instructor.cells[6]["id"]
    instructor.nbformat_minor = 4  # no cell ids before nbformat 4.5: the answer cell gets none either
    assert "id" not in student_edition(instructor).cells[5]


def test_a_solution_code_cell_without_a_stub_before_it_is_an_error():
    nb = synthetic()
    del nb.cells[3]
    with pytest.raises(ValueError, match="needs its stub cell"):
        student_edition(nb)


def test_a_stub_without_a_solution_after_it_is_an_error():
    nb = synthetic()
    del nb.cells[4]
    with pytest.raises(ValueError, match="must be followed by its solution"):
        student_edition(nb)
    nb.cells = nb.cells[:4]  # a stub as the very last cell
    with pytest.raises(ValueError, match="must be followed by its solution"):
        student_edition(nb)


def test_pasting_the_solutions_back_gives_the_instructor_sources():
    instructor = synthetic()
    merged = paste_solutions(student_edition(instructor), instructor)
    assert [(c.cell_type, c.source, cell_tags(c)) for c in merged.cells] == [
        (c.cell_type, c.source, cell_tags(c)) for c in instructor.cells]
    assert merged.cells[4].outputs == instructor.cells[4].outputs
    assert merged.metadata == instructor.metadata


def test_pasting_the_solutions_back_keeps_the_students_work_before_the_solutions():
    instructor = synthetic()
    worked = student_edition(instructor)
    worked.cells[3].source = "answer = 5\ncheck_number(answer, 4)"
    worked.cells[5].source = "*Your answer:* because of x."
    merged = paste_solutions(worked, instructor)
    sources = [c.source for c in merged.cells]
    assert sources[3:6] == ["answer = 5\ncheck_number(answer, 4)", instructor.cells[4].source,
                            instructor.cells[5].source]
    assert sources[6:8] == ["*Your answer:* because of x.", instructor.cells[6].source]
    assert cell_tags(merged.cells[6]) == []


def test_pasting_solutions_into_a_notebook_with_other_exercises_is_an_error():
    other = synthetic()
    del other.cells[5:7]
    with pytest.raises(ValueError, match="1 stubs and 1 answer cells.*1 coding and 0 question"):
        paste_solutions(student_edition(synthetic()), other)


def test_write_is_byte_identical_when_rerun_and_removes_stale_chapters(tmp_path):
    source, target = tmp_path / "notebooks", tmp_path / "student"
    source.mkdir()
    nbformat.write(synthetic(), source / "09_demo.ipynb")
    assert outdated(source, target) == ["09_demo.ipynb"]
    assert write(source, target) == ["09_demo.ipynb"]
    first = (target / "09_demo.ipynb").read_bytes()
    assert outdated(source, target) == [] and write(source, target) == []
    assert (target / "09_demo.ipynb").read_bytes() == first
    assert student_path(source / "09_demo.ipynb", target) == target / "09_demo.ipynb"
    assert set(build(source, target)) == {target / "09_demo.ipynb"}
    (target / "08_gone.ipynb").write_text("{}")
    assert outdated(source, target) == ["08_gone.ipynb"]
    write(source, target)
    assert sorted(p.name for p in target.iterdir()) == ["09_demo.ipynb"]


def test_the_command_writes_and_checks(tmp_path, capsys):
    source, target = tmp_path / "notebooks", tmp_path / "student"
    source.mkdir()
    nbformat.write(synthetic(), source / "09_demo.ipynb")
    args = ["--notebooks", str(source), "--student", str(target)]
    assert student.main(["--check", *args]) == 1 and "run `make student`" in capsys.readouterr().out
    assert student.main(args) == 0 and "09_demo.ipynb" in capsys.readouterr().out
    assert student.main(["--check", *args]) == 0 and "up to date" in capsys.readouterr().out


def test_run_edition_runs_the_stubs_then_the_solutions_in_one_kernel(tmp_path, capsys):
    source, target = tmp_path / "notebooks", tmp_path / "student"
    source.mkdir()
    nb = synthetic()
    setup = "import os\nfrom utils.checks import check_number\n\nprint(os.environ['COURSE_MODE'])"
    nb.cells.insert(1, new_code_cell(setup))
    nbformat.write(nb, source / "09_demo.ipynb")
    write(source, target)
    assert student.run_command([source / "09_demo.ipynb"], target, output=tmp_path / "out") == 0
    out = capsys.readouterr().out
    assert out.startswith("09_demo.ipynb: ") and out.rstrip().endswith(" s, ran")
    ran = nbformat.read(tmp_path / "out" / "09_demo.ipynb", as_version=4)
    assert ran.metadata.run["error"] is None and ran.metadata.run["mode"] == "smoke"
    assert output_text(ran.cells[1]) == "smoke\n" and UNANSWERED in output_text(ran.cells[4])
    assert cell_tags(ran.cells[-1]) == ["solution", "hide-input"] and output_text(ran.cells[-1]).startswith(PASS)


def test_run_edition_reports_an_error_and_the_command_fails(tmp_path, capsys):
    source, target = tmp_path / "notebooks", tmp_path / "student"
    source.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("1 / 0")]), source / "09_bad.ipynb")
    write(source, target)
    assert "ZeroDivisionError" in run_edition(source / "09_bad.ipynb", target).metadata.run["error"]
    assert student.run_command([source / "09_bad.ipynb"], target) == 1
    assert "FAILED" in capsys.readouterr().out


# ---------------------------------------------------------------- the committed student edition

def test_the_committed_student_edition_is_up_to_date():
    stale = outdated()
    assert not stale, f"student/ is out of date with notebooks/ ({', '.join(stale)}): run `make student`."


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_pasting_the_solutions_back_gives_the_chapter(chapter):
    instructor = nbformat.read(chapter, as_version=4)
    edition = nbformat.read(student_path(chapter), as_version=4)
    assert edition.metadata.course["edition"] == "student"
    merged = paste_solutions(edition, instructor)
    assert [(c.cell_type, c.source) for c in merged.cells] == [(c.cell_type, c.source) for c in instructor.cells]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_books_solutions_pass_their_checks(chapter):
    """The stored (full-run) output of every solution that has one shows its check passing."""
    for cell in nbformat.read(chapter, as_version=4).cells:
        if cell.cell_type == "code" and "solution" in cell_tags(cell) and cell.outputs:
            text = output_text(cell)
            assert PASS in text and FAIL not in text, f"{chapter.name}: {cell.source[:60]!r} printed {text!r}"


def names(source):
    """(names a cell's code assigns, names it reads); IPython magics and shell lines are left out."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    stored, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, ast.alias):
            stored.add((node.asname or node.name).split(".")[0])
    return stored, loaded


def names_used_after_exercises(nb):
    """The (later cell, names) where a cell outside the exercises reads a name that an exercise cell set."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    found = []
    for i, cell in enumerate(cells):
        if not {"stub", "solution"} & set(cell_tags(cell)):
            continue
        shadowed = names(cell.source)[0]
        for later in cells[i + 1:]:
            if {"stub", "solution"} & set(cell_tags(later)):
                continue
            stored, loaded = names(later.source)
            if (used := (loaded - stored) & shadowed) and (later.source[:60], sorted(used)) not in found:
                found.append((later.source[:60], sorted(used)))
            shadowed -= stored
    return found


def test_a_later_cell_that_reads_an_exercise_name_is_found():
    nb = synthetic()
    assert names_used_after_exercises(nb) == []
    nb.cells.append(new_code_cell("%matplotlib inline\nprint(answer, y)"))
    assert names_used_after_exercises(nb) == [("%matplotlib inline\nprint(answer, y)", ["answer"])]
    nb.cells.insert(-1, new_code_cell("import answer"))
    assert names_used_after_exercises(nb) == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_later_cell_uses_a_name_an_exercise_defines(chapter):
    """So the student edition needs only the replaced cells' outputs cleared: no other cell depends on them."""
    used = names_used_after_exercises(nbformat.read(chapter, as_version=4))
    assert not used, f"{chapter.name}: these cells use names an exercise cell defines: {used}"


# ---------------------------------------------------------------- running it, one kernel per chapter

def output_text(cell) -> str:
    """All the text a code cell printed or displayed."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(str(output.get("data", {}).get("text/plain", "")))
        if output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


# The student editions run in one separate process (`python -m coursetools.student --run`), started as soon
# as the tests are collected (by the hook in tests/conftest.py, which also moves the tests that read the results
# to the end of the session), so that they run beside the rest of the suite and the notebooks' nbval run
# instead of after it: on two cores that hides most of their time.
BACKGROUND = {}


def start_student_runs(chapters):
    """Start one process that runs the student edition of each of ``chapters`` in turn (once per session)."""
    if BACKGROUND or not chapters:
        return
    out = Path(tempfile.mkdtemp(prefix="student-runs-"))
    # Their own data folder, so that they never read a model file (data/models) that the nbval run of another
    # chapter is writing, or the reverse; the datasets already there are shared through links.
    data = out / "data"
    data.mkdir()
    for entry in sorted(data_dir().iterdir()) if data_dir().is_dir() else []:
        if entry.name != "models":
            (data / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    # One thread for their kernels: the other core is for the rest of the suite.
    env = dict(os.environ, OMP_NUM_THREADS="1", COURSE_DATA_DIR=str(data))
    with open(out / "log.txt", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "coursetools.student", "--output", str(out),
                                    "--run", *map(str, chapters)], cwd=ROOT, env=env, stdout=log, stderr=log)
    atexit.register(stop_student_runs, process, out)
    BACKGROUND.update(process=process, out=out, chapters=set(chapters))


def stop_student_runs(process, out):
    """Stop the background process if it is still running and remove its folder."""
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)
    shutil.rmtree(out, ignore_errors=True)


def student_run_result(chapter, timeout=1800):
    """Wait for the background run of ``chapter``'s student edition and return the executed notebook."""
    start_student_runs([chapter])
    if chapter not in BACKGROUND["chapters"]:
        return run_edition(chapter)
    path, deadline = BACKGROUND["out"] / chapter.name, time.monotonic() + timeout
    while not path.exists():
        if BACKGROUND["process"].poll() is not None and not path.exists() or time.monotonic() > deadline:
            log = (BACKGROUND["out"] / "log.txt").read_text()[-3000:]
            pytest.fail(f"the background run stopped without running {chapter.name}:\n{log}")
        time.sleep(0.5)
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module", params=CHAPTERS, ids=lambda p: p.stem)
def student_run(request):
    """The chapter's student edition run top to bottom in smoke mode (kernel in student/), then, in the same
    kernel, its solutions pasted back: (student cells, solution cells, error text or None)."""
    nb = student_run_result(request.param)
    solutions = [i for i, c in enumerate(nb.cells) if "solution" in cell_tags(c)]
    count = solutions[0] if solutions else len(nb.cells)
    print(f"{request.param.stem}: {nb.metadata.run['wall_s']} s")
    return nb.cells[:count], nb.cells[count:], nb.metadata.run["error"]


def test_the_student_edition_runs_in_smoke_mode_without_errors(student_run):
    cells, _, error = student_run
    assert error is None, f"the student edition failed in smoke mode:\n{error[-3000:]}"
    assert any("Mode: smoke" in output_text(c) for c in cells), "the chapter did not run in smoke mode"


def test_every_untouched_stub_says_no_answer_yet(student_run):
    """Even feedback: a student who has not answered yet sees "⏳ no answer yet" from every check of every stub
    (a stub function that returns None included), never a ❌ (or a ✅) for an answer they did not give."""
    cells, _, error = student_run
    stubs = [c for c in cells if STUDENT_STUB_TAG in cell_tags(c)]
    assert stubs and error is None, error and error[-3000:]
    for cell in stubs:
        text = output_text(cell)
        assert f"{PENDING} " in text and UNANSWERED in text, f"stub {cell.source[:60]!r} printed {text!r}"
        assert FAIL not in text and PASS not in text, f"stub {cell.source[:60]!r} printed {text!r}"


def test_the_pasted_back_solutions_pass_their_checks(student_run):
    _, solutions, error = student_run
    assert solutions and error is None, error
    for cell in solutions:
        text = output_text(cell)
        assert PASS in text and FAIL not in text, f"solution {cell.source[:60]!r} printed {text!r}"


@pytest.mark.parametrize("stub, solution, same", [
    ("x = ...", "x = f(1, 2)", True),
    ("def f(a, b):\n    ...", "def f(a, b):\n    c = a + b\n    return c * 2", True),
    ("y = 1\n...\nz = ...\ncheck(z)", "y = 1\nt = y * 2\nu = t + 1\nz = t + u\ncheck(z)", True),
    ("layer = nn.Conv(3, ...)", "layer = nn.Conv(3, 8)", True),
    ("def f(a, b):\n    ...", "def f(a):\n    return a", False),        # another signature
    ("x = ...\ncheck(x)", "x = 1\ncheck(x, strict=True)", False),          # another check call
    ("x = ...\ncheck(x)", "y = 1\ncheck(y)", False),                       # another name
    ("x = ...\ncheck(x)", "x = 1\nprint(x)\ncheck(x)", False),              # a statement the stub lacks
    ("layer = nn.Conv(3, ...)", "layer = nn.Conv(4, 8)", False),
])
def test_stub_matches_solution_apart_from_its_holes(stub, solution, same):
    from coursetools.student import stub_matches_solution

    assert stub_matches_solution(stub, solution) is same
