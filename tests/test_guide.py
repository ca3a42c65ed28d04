"""The instructors' guide (coursetools.guide) and the CPU timings it reads (coursetools.timings)."""

import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursetools import guide, timings
from coursetools.guide import (
    PREREQUISITES,
    chapter_title,
    dataset_table,
    datasets_used,
    exercises,
    format_run,
    gpu_run,
    learning_objectives,
    prerequisites,
    render_guide,
)
from coursetools.timings import check_entry, load_timings, save_timing, time_notebook

CHAPTERS = sorted(guide.NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def chapter(objectives="## Learning objectives\n\nAfter this chapter you can\n\n1. **build** a thing\n   that works;\n"
                       "2. explain it.\n\nMore prose.", course=None):
    """A small chapter: title and objectives, a coding exercise and a question."""
    return new_notebook(cells=[
        new_markdown_cell("# 9. Demo chapter\n\nWhy.\n\n" + objectives),
        new_code_cell("data = load_mnist(train=True)"),
        new_markdown_cell("### Exercise 9.1: a | pipe\n\nDo it.\n\n*Difficulty: ★★☆ · Assesses: piping things.*",
                          metadata={"tags": ["exercise"]}),
        new_code_cell("x = ...", metadata={"tags": ["stub", "remove-cell", "nbval-skip"]}),
        new_code_cell("x = 1", metadata={"tags": ["solution", "hide-input"]}),
        new_markdown_cell("### Exercise 9.2: read the figure\n\n*Difficulty: ★☆☆ · Assesses: reading.*",
                          metadata={"tags": ["exercise"]}),
        new_markdown_cell("```{admonition} Solution\n:class: dropdown\n\nIt.\n```", metadata={"tags": ["solution"]}),
    ], metadata={"course": course or {}})


def test_the_committed_guide_is_up_to_date():
    text = guide.GUIDE_FILE.read_text(encoding="utf-8")
    assert text == render_guide(), "book/instructors.md is out of date: run `make student`."


def test_every_chapter_has_its_prerequisites_stated():
    for path in CHAPTERS:
        number = path.stem[:2]
        assert number in PREREQUISITES, f"add {path.stem} to PREREQUISITES in coursetools/guide.py"
        assert all(n < number for n in PREREQUISITES[number]), f"{path.stem} can only build on earlier chapters"


def test_learning_objectives_after_a_heading_join_continuation_lines_and_stop_at_the_list_end():
    assert learning_objectives(chapter()) == ["**build** a thing that works;", "explain it."]


def test_learning_objectives_after_bold_text():
    nb = chapter("**Learning objectives.** After this chapter you can:\n- one\n- two\n\n## Next\n- not this")
    assert learning_objectives(nb) == ["one", "two"]


def test_learning_objectives_missing_or_without_a_list_is_an_error():
    with pytest.raises(ValueError, match="no 'Learning objectives'"):
        learning_objectives(chapter("## Goals\n\n1. one"))
    with pytest.raises(ValueError, match="not followed by a list"):
        learning_objectives(chapter("## Learning objectives\n\nTo be written."))


def test_chapter_title_and_its_absence():
    assert chapter_title(chapter()) == "9. Demo chapter"
    with pytest.raises(ValueError, match="no '# Title'"):
        chapter_title(new_notebook(cells=[new_markdown_cell("## Not a title")]))


def test_exercises_give_number_title_kind_difficulty_and_what_they_assess():
    assert exercises(chapter()) == [
        {"number": "9.1", "title": "a | pipe", "kind": "coding", "difficulty": "★★☆", "assesses": "piping things"},
        {"number": "9.2", "title": "read the figure", "kind": "question", "difficulty": "★☆☆",
         "assesses": "reading"}]


def test_an_exercise_without_its_difficulty_line_is_an_error():
    nb = chapter()
    nb.cells[2].source = "### Exercise 9.1: a title\n\nNo difficulty line."
    with pytest.raises(ValueError, match="difficulty line"):
        exercises(nb)


def test_datasets_used_and_their_table():
    assert datasets_used(chapter()) == ["MNIST"]
    assert datasets_used(new_notebook(cells=[new_code_cell("load_faces()\nload_cifar10(False)")])) == [
        "CIFAR-10", "CelebA"]


def test_format_run_in_seconds_minutes_and_hours():
    assert format_run(None) == "not measured yet"
    assert format_run({"wall_s": 19.1, "device": "cpu (2 threads)"}) == "19 s · cpu (2 threads)"
    assert format_run({"wall_s": 412.3, "device": "d"}) == "6.9 min · d"
    assert format_run({"wall_s": 9000, "device": "d"}) == "2.5 h · d"


def test_gpu_run_only_from_a_full_run_on_a_gpu():
    full = {"mode": "full", "wall_s": 69.0, "device": "cuda (NVIDIA H100 80GB HBM3)"}
    assert gpu_run(chapter(course=full)) == {"wall_s": 69.0, "device": "cuda (NVIDIA H100 80GB HBM3)"}
    assert gpu_run(chapter(course={**full, "mode": "smoke"})) is None
    assert gpu_run(chapter(course={**full, "device": "cpu (2 threads)"})) is None
    assert gpu_run(chapter()) is None


def test_prerequisites_link_earlier_chapters_and_say_when_unknown():
    assert prerequisites("01_transpose_convolution") == "PyTorch basics only"
    assert prerequisites("03_latent_interpolation") == "{doc}`../notebooks/02_mnist_autoencoder`"
    assert "not stated yet" in prerequisites("99_unknown")


def test_render_guide_for_a_small_chapter_with_a_cpu_timing(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    gpu = {"mode": "full", "wall_s": 30.0, "device": "cuda (GPU)"}
    nbformat.write(chapter(course=gpu), folder / "09_demo.ipynb")
    save_timing("09_demo", 412.3, "cpu (2 threads)", tmp_path / "cpu.json")
    page = render_guide(folder, tmp_path / "cpu.json")
    assert page.startswith("# Instructors' guide\n") and "### 9. Demo chapter" in page
    assert "| {doc}`../notebooks/09_demo` | not stated yet" in page
    assert "30 s · cuda (GPU) | 6.9 min · cpu (2 threads) | 2: ★★☆ ★☆☆ |" in page
    assert "1. **build** a thing that works;\n2. explain it.\n" in page
    assert "| 9.1 a \\| pipe | coding | ★★☆ | piping things |" in page
    assert "| MNIST | 9 |" in page and "| CelebA | — |" in page and "non-commercial" in page
    assert "{datasets}" not in page and page == render_guide(folder, tmp_path / "cpu.json")
    assert "not measured yet" in render_guide(folder, tmp_path / "missing.json")
    assert dataset_table([]).count("| — |") == 3


def test_the_command_writes_and_checks_the_page(tmp_path, capsys):
    page = tmp_path / "instructors.md"
    assert guide.main(["--check", "--output", str(page)]) == 1 and "run `make student`" in capsys.readouterr().out
    assert guide.main(["--output", str(page)]) == 0 and page.read_text() == render_guide()
    assert guide.main(["--check", "--output", str(page)]) == 0 and "up to date" in capsys.readouterr().out


# ---------------------------------------------------------------- CPU timings

def test_load_timings_missing_file_and_valid_file(tmp_path):
    assert load_timings(tmp_path / "none.json") == {}
    path = tmp_path / "t.json"
    path.write_text('{"02_mnist_autoencoder": {"wall_s": 412.3, "device": "cpu (2 threads)"}}')
    assert load_timings(path) == {"02_mnist_autoencoder": {"wall_s": 412.3, "device": "cpu (2 threads)"}}
    assert load_timings() == json.loads(timings.TIMINGS_FILE.read_text()), "the committed file must be valid"


@pytest.mark.parametrize("content", [
    '[1, 2]', '{"a": 3}', '{"a": {"wall_s": -1, "device": "cpu"}}', '{"a": {"wall_s": true, "device": "cpu"}}',
    '{"a": {"wall_s": 3}}', '{"a": {"wall_s": NaN, "device": "cpu"}}'])
def test_load_timings_rejects_malformed_entries(tmp_path, content):
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="wall_s"):
        load_timings(path)


def test_save_timing_keeps_other_chapters_sorted_and_refuses_bad_values(tmp_path):
    path = tmp_path / "t.json"
    save_timing("05_b", 10.04, "cpu (2 threads)", path)
    assert save_timing("02_a", 412.33, "cpu (4 threads)", path) == {
        "02_a": {"wall_s": 412.3, "device": "cpu (4 threads)"}, "05_b": {"wall_s": 10.0, "device": "cpu (2 threads)"}}
    assert list(json.loads(path.read_text())) == ["02_a", "05_b"] and path.read_text().endswith("}\n")
    before = path.read_text()
    with pytest.raises(ValueError, match="wall_s"):
        save_timing("02_a", 0, "cpu", path)
    assert path.read_text() == before
    with pytest.raises(ValueError):
        check_entry("x", None)


def test_time_notebook_runs_a_copy_on_the_cpu_and_leaves_the_notebook_alone(tmp_path, clean_env):
    path = tmp_path / "09_demo.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import os\nfrom utils.settings import start_chapter\nrun = start_chapter('01_transpose_convolution')\n"
        "assert os.environ['COURSE_DEVICE'] == 'cpu'")]), path)
    before = path.read_text()
    entry = time_notebook(path, mode="smoke")
    assert entry["wall_s"] > 0 and entry["device"].startswith("cpu (")
    assert path.read_text() == before and "COURSE_DEVICE" not in os.environ


def test_the_timings_command_records_each_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(timings, "time_notebook", lambda path: {"wall_s": 12.34, "device": "cpu (2 threads)"})
    output = tmp_path / "cpu.json"
    assert timings.main(["notebooks/02_mnist_autoencoder.ipynb", "--output", str(output)]) == 0
    assert load_timings(output) == {"02_mnist_autoencoder": {"wall_s": 12.3, "device": "cpu (2 threads)"}}
    assert "recorded in" in capsys.readouterr().out
    output.write_text("[]")
    with pytest.raises(ValueError):  # a broken file stops the command before any run
        timings.main(["notebooks/02_mnist_autoencoder.ipynb", "--output", str(output)])
