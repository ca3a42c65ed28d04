"""The instructors' guide (coursetools.guide) and the CPU timings it reads (coursetools.timings)."""

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursetools import guide, timings
from coursetools.guide import (
    DIFFICULTY,
    EXERCISE_LINE,
    PREREQUISITES,
    SESSIONS,
    chapter_title,
    data_caveat,
    data_sources,
    dataset_table,
    datasets_used,
    exercise_load,
    exercises,
    format_run,
    gpu_run,
    learning_objectives,
    prerequisites,
    published_weights,
    quota_advice,
    render_guide,
    schedule_table,
)
from coursetools.notebooks import CHAPTER_PATTERN
from coursetools.timings import (
    check_entry,
    estimate_notebook,
    load_timings,
    run_copy,
    save_pretrained_timing,
    save_timing,
    stored_run,
    time_notebook,
    time_pretrained,
)

CHAPTERS = sorted(guide.NOTEBOOK_DIR.glob(CHAPTER_PATTERN))


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
        new_markdown_cell("### Exercise 9.2: read the figure\n\n"
                          "*Difficulty: ★☆☆ · Time: 10 min · Points: 2 · Assesses: reading.*",
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


def test_exercises_give_number_title_kind_difficulty_time_points_and_what_they_assess():
    assert exercises(chapter()) == [  # 9.1 has the old line without time and points, 9.2 the new one
        {"number": "9.1", "title": "a | pipe", "kind": "coding", "difficulty": "★★☆", "assesses": "piping things",
         "minutes": None, "points": None},
        {"number": "9.2", "title": "read the figure", "kind": "question", "difficulty": "★☆☆",
         "assesses": "reading", "minutes": 10, "points": 2}]


def test_the_difficulty_line_with_and_without_time_and_points():
    assert DIFFICULTY.search(EXERCISE_LINE).group("stars", "minutes", "points", "assesses") == (
        "★★☆", "15", "3", "what it assesses")
    assert DIFFICULTY.search("*Difficulty: ★☆☆ · Assesses: a thing.*").group("minutes", "points") == (None, None)
    for wrong in ("*Difficulty: ★☆☆ · Time: 10 min · Assesses: a thing.*",      # points missing
                  "*Difficulty: ★☆☆ · Points: 2 · Time: 10 min · Assesses: a thing.*",  # wrong order
                  "*Difficulty: ★☆☆ · Time: ten min · Points: 2 · Assesses: a thing.*",
                  "*Difficulty: ★☆☆ · Time: 10 min · Points: 2 · Assesses: no full stop*"):
        assert not DIFFICULTY.search(wrong), wrong


def test_a_malformed_difficulty_line_names_the_expected_format():
    nb = chapter()
    nb.cells[2].source = "### Exercise 9.1: a title\n\n*Difficulty: ★★☆ · Time: 15 · Assesses: things.*"
    with pytest.raises(ValueError, match=re.escape(EXERCISE_LINE)):
        exercises(nb)


def test_exercise_load_sums_time_and_points_or_says_what_is_missing():
    assert exercise_load(exercises(chapter())) == "time and points not set yet"
    assert exercise_load(exercises(chapter())[1:]) == "10 min · 2 points"
    assert exercise_load([]) == "no exercises"


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
    assert format_run({"wall_s": 9000, "device": "d", "estimated_from_epochs": [1, 2]}) == (
        "≈ 2.5 h · d, estimated from timed runs of 1 and 2 epochs")


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
    gpu = {"mode": "full", "wall_s": 30.0, "device": "cuda (GPU)"}  # chapter 99: no prerequisites stated
    nbformat.write(chapter(course=gpu), folder / "99_demo.ipynb")
    save_timing("99_demo", 412.3, "cpu (2 threads)", tmp_path / "cpu.json")
    page = render_guide(folder, tmp_path / "cpu.json")
    assert page.startswith("# Instructors' guide\n") and "### 9. Demo chapter" in page
    assert "| {doc}`../notebooks/99_demo` | not stated yet" in page
    assert ("30 s · cuda (GPU) | 6.9 min · cpu (2 threads) | not measured yet | 2: ★★☆ ★☆☆ · time and points "
            "not set yet |") in page
    assert "1. **build** a thing that works;\n2. explain it.\n" in page
    assert "| 9.1 a \\| pipe | coding | ★★☆ | — | — | piping things |" in page
    assert "| 9.2 read the figure | question | ★☆☆ | 10 | 2 | reading |" in page
    assert "## A suggested schedule" in page and "## Handing out the student edition" in page
    assert "## GPU time on Colab and Kaggle" in page and "30 s on the GPU of the stored runs" in page
    assert "Online and offline data" not in page  # the demo chapter reads no CIFAR-10
    assert "| MNIST | 99 |" in page and "| CelebA | — |" in page and "non-commercial" in page
    assert "{datasets}" not in page and page == render_guide(folder, tmp_path / "cpu.json")
    assert "not measured yet" in render_guide(folder, tmp_path / "missing.json")
    save_pretrained_timing("99_demo", 41.0, "cpu (2 threads)", tmp_path / "cpu.json")
    assert "6.9 min · cpu (2 threads) | 41 s · cpu (2 threads) |" in render_guide(folder, tmp_path / "cpu.json")
    assert dataset_table([]).count("| — |") == 3


def test_the_command_writes_and_checks_the_page(tmp_path, capsys):
    page, intro, setup = tmp_path / "instructors.md", tmp_path / "intro.md", tmp_path / "setup.md"
    for path in (intro, setup):
        path.write_text(f"# Intro\n\n{guide.TABLE_START}\n| old |\n{guide.TABLE_END}\n\nMore.\n")
    args = ["--output", str(page), "--intro", str(intro), "--setup", str(setup)]
    assert guide.main(["--check", *args]) == 1 and "run `make student`" in capsys.readouterr().out
    assert guide.main(args) == 0 and page.read_text() == render_guide()
    assert "| old |" not in intro.read_text() and intro.read_text().endswith(f"{guide.TABLE_END}\n\nMore.\n")
    assert "With `COURSE_PRETRAINED=1`" in setup.read_text() and "| old |" not in setup.read_text()
    assert guide.main(["--check", *args]) == 0 and "up to date" in capsys.readouterr().out


def test_the_introductions_runs_table_is_up_to_date_with_each_chapters_stored_run():
    """The introduction states the device each chapter's stored run used, as the notebooks' metadata says."""
    text = guide.INTRO_FILE.read_text(encoding="utf-8")
    assert text == guide.with_table(text, guide.runs_table(CHAPTERS)), (
        "book/intro.md's table of the stored runs is out of date: run `make student`.")
    for path in CHAPTERS:
        course = nbformat.read(path, as_version=4).metadata.get("course", {})
        device = guide.device_name(course["device"]) if course.get("mode") == "full" else "not run in full yet"
        assert f"`../notebooks/{path.stem}` | {device} |" in text


def test_the_setup_pages_table_of_what_course_pretrained_covers_is_up_to_date():
    text = guide.SETUP_FILE.read_text(encoding="utf-8")
    table = guide.pretrained_table(CHAPTERS, load_timings(guide.TIMINGS_FILE))
    assert text == guide.with_table(text, table), "book/setup.md's table is out of date: run `make student`."


def test_pretrained_table_says_what_each_chapter_loads_or_trains(tmp_path, monkeypatch):
    import utils.settings

    monkeypatch.setitem(utils.settings.SIZES, "92_demo", DEMO_SIZES)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"ch91_a": {"chapter": "91_demo"}}))
    cells = {"91_demo": "train_or_load(run, 'ch91_a', m, f)\ntrain_or_load(run, 'ch91_b', m, f)",
             "92_demo": "print(1)", "93_demo": "print(1)"}
    for stem, code in cells.items():
        nbformat.write(new_notebook(cells=[new_code_cell(code)]), tmp_path / f"{stem}.ipynb")
    timings = {"91_demo": {"wall_s": 600.0, "device": "cpu", "pretrained": {"wall_s": 30.0, "device": "cpu"}}}
    table = guide.pretrained_table(sorted(tmp_path.glob("9*.ipynb")), timings, manifest)
    assert "| {doc}`../notebooks/91_demo` | loads `ch91_a`; trains `ch91_b` (not published yet) | 10.0 min | 30 s |" \
        in table
    assert "| {doc}`../notebooks/92_demo` | not covered yet: no published weights, so it trains | not measured yet" \
        in table, "92_demo has epoch settings but no weights"
    assert "| {doc}`../notebooks/93_demo` | nothing to load: it trains no model for long |" in table


def test_runs_table_names_devices_for_readers_and_needs_its_markers(tmp_path):
    assert [guide.device_name(d) for d in ("cpu (2 threads)", "cuda (NVIDIA H100 80GB HBM3)", "mps (Apple GPU)")] \
        == ["CPU (2 threads)", "GPU (NVIDIA H100 80GB HBM3)", "Apple GPU"]
    full = {"mode": "full", "device": "cpu (4 threads)", "wall_s": 100.0}
    nbformat.write(chapter(course=full), tmp_path / "09_a.ipynb")
    nbformat.write(chapter(course={"mode": "smoke", "device": "cpu", "wall_s": 3.0}), tmp_path / "10_b.ipynb")
    table = guide.runs_table(sorted(tmp_path.glob("*.ipynb")))
    assert "| {doc}`../notebooks/09_a` | CPU (4 threads) | 1.7 min |" in table
    assert "| {doc}`../notebooks/10_b` | not run in full yet | — |" in table
    with pytest.raises(ValueError, match="needs the lines"):
        guide.with_table("# Intro without the markers\n", table)


# ---------------------------------------------------------------- CPU timings

def test_load_timings_missing_file_and_valid_file(tmp_path):
    assert load_timings(tmp_path / "none.json") == {}
    path = tmp_path / "t.json"
    path.write_text('{"02_mnist_autoencoder": {"wall_s": 412.3, "device": "cpu (2 threads)"}}')
    assert load_timings(path) == {"02_mnist_autoencoder": {"wall_s": 412.3, "device": "cpu (2 threads)"}}
    assert load_timings() == json.loads(timings.TIMINGS_FILE.read_text()), "the committed file must be valid"


@pytest.mark.parametrize("content", [
    '[1, 2]', '{"a": 3}', '{"a": {"wall_s": -1, "device": "cpu"}}', '{"a": {"wall_s": true, "device": "cpu"}}',
    '{"a": {"wall_s": 3}}', '{"a": {"wall_s": NaN, "device": "cpu"}}',
    '{"a": {"wall_s": 3, "device": "cpu", "estimated_from_epochs": [1, 3]}}',
    '{"a": {"wall_s": 3, "device": "cpu", "estimated_from_epochs": 1}}',
    '{"a": {"wall_s": 3, "device": "cpu", "pretrained": {"wall_s": 0, "device": "cpu"}}}',
    '{"a": {"wall_s": 3, "device": "cpu", "wall_time": 3}}'])
def test_load_timings_rejects_malformed_entries(tmp_path, content):
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="wall_s|estimated_from_epochs|unknown keys"):
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


def test_save_timing_keeps_the_pretrained_time_and_the_pretrained_time_needs_a_full_one(tmp_path):
    path = tmp_path / "t.json"
    with pytest.raises(ValueError, match="no full-run time yet"):
        save_pretrained_timing("05_b", 40, "cpu", path)
    save_timing("05_b", 30000, "cpu (2 threads)", path, estimated_from_epochs=[1, 2])
    save_pretrained_timing("05_b", 40.04, "cpu (2 threads)", path)
    assert save_timing("05_b", 31000, "cpu (2 threads)", path, estimated_from_epochs=[1, 2]) == {"05_b": {
        "wall_s": 31000.0, "device": "cpu (2 threads)", "estimated_from_epochs": [1, 2],
        "pretrained": {"wall_s": 40.0, "device": "cpu (2 threads)"}}}


def fake_runner(per_epoch: dict, fixed: float = 50.0, calls: list | None = None, **result):
    """A stand-in for run_copy: a run's time is ``fixed`` plus, per epoch setting, its epochs × its cost."""
    def run(notebook, device="cpu", mode="full", overrides=None, pretrained=False):
        calls.append({"overrides": overrides, "pretrained": pretrained}) if calls is not None else None
        seconds = fixed + sum(per_epoch[key] * epochs for key, epochs in (overrides or {}).items())
        return {"wall_s": seconds, "device": "cpu (2 threads)", "loaded": False, "trained": False, **result}
    return run


DEMO_SIZES = {"full": {"train_images": 50_000, "epochs": 24, "sweep_epochs": 4, "frame_every": 2, "batch_size": 256,
                       "sweep_latents": [16, 32], "fast": True},
              "smoke": {"epochs": 1}}


@pytest.fixture
def demo_sizes(monkeypatch):
    """A chapter 09_demo in utils.settings.SIZES with two epoch settings and one every-k-epochs setting."""
    import utils.settings

    monkeypatch.setitem(utils.settings.SIZES, "09_demo", DEMO_SIZES)
    return guide.NOTEBOOK_DIR / "09_demo.ipynb"


def test_epoch_and_every_settings_are_the_full_sizes_that_count_epochs(demo_sizes):
    assert timings.epoch_settings("09_demo") == {"epochs": 24, "sweep_epochs": 4}
    assert timings.every_settings("09_demo") == {"frame_every": 2}
    assert timings.epoch_settings("01_transpose_convolution") == {}


def test_estimate_extrapolates_each_epoch_setting_from_one_and_two_epoch_runs(demo_sizes):
    calls = []
    runner = fake_runner({"epochs": 60.0, "sweep_epochs": 90.0, "frame_every": 0.0}, calls=calls)
    entry = estimate_notebook(demo_sizes, runner=runner)
    assert entry == {"wall_s": 50.0 + 60.0 * 24 + 90.0 * 4, "device": "cpu (2 threads)",
                     "estimated_from_epochs": [1, 2]}
    assert [c["overrides"] for c in calls] == [  # what happens every 2 epochs still happens in 1-epoch runs
        {"epochs": 1, "sweep_epochs": 1, "frame_every": 1}, {"epochs": 2, "sweep_epochs": 1, "frame_every": 1},
        {"epochs": 1, "sweep_epochs": 2, "frame_every": 1}]
    assert not any(c["pretrained"] for c in calls)
    assert estimate_notebook(demo_sizes, epochs=2, runner=fake_runner(
        {"epochs": 60.0, "sweep_epochs": 90.0, "frame_every": 0.0}))["estimated_from_epochs"] == [2, 3]


def test_estimate_never_goes_below_the_short_run_when_timings_are_noisy(demo_sizes):
    entry = estimate_notebook(demo_sizes, runner=fake_runner({"epochs": -5.0, "sweep_epochs": 0.0,
                                                              "frame_every": 0.0}))
    assert entry["wall_s"] == 50.0 - 5.0 - 0.0  # the 2-epoch runs came out faster: no negative time per epoch


def test_chapters_5_and_6_are_the_estimated_ones_and_have_epoch_settings():
    assert timings.ESTIMATED == {"05_cifar10_bottleneck", "06_dcgan_faces"}
    assert all(timings.epoch_settings(name) for name in timings.ESTIMATED)


def test_time_pretrained_refuses_a_chapter_that_trains_without_train_or_load(demo_sizes, tmp_path):
    path = tmp_path / "09_demo.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("for epoch in range(run.size.epochs):\n    step()")]), path)
    calls = []
    with pytest.raises(ValueError, match="calls no train_or_load"):
        time_pretrained(path, runner=fake_runner({}, calls=calls))
    assert calls == []  # refused before running anything


def test_weights_needed_finds_names_passed_directly_or_through_a_dict():
    direct = new_code_cell('history = train_or_load(run, "ch09_model", model, fit)')
    through = new_code_cell('SAVED = {"cnn": "ch09_cnn", "both": "ch09_both"}\n'
                            'for name in SAVED:\n    train_or_load(run, SAVED[name], models[name], fit)')
    assert timings.weights_needed(new_notebook(cells=[direct, through])) == ["ch09_model", "ch09_cnn", "ch09_both"]
    unused = new_code_cell('print("ch09_model")')  # a name, but nothing loads weights
    assert timings.weights_needed(new_notebook(cells=[unused])) == []


def test_weights_needed_expands_a_name_built_in_an_f_string_to_the_published_ones():
    nb = new_notebook(cells=[new_code_cell(
        'for loss in ("BCE", "MSE"):\n    train_or_load(run, f"ch04_no_bn_{loss.lower()}", model, fit)')])
    published = {"ch04_no_bn_bce": {}, "ch04_no_bn_mse": {}, "ch04_other": {}}
    assert timings.weights_needed(nb, published) == ["ch04_no_bn_bce", "ch04_no_bn_mse"]
    assert timings.weights_needed(nb) == ["ch04_no_bn_*"]  # nothing published: the table says it trains


def test_weights_needed_counts_the_digit_judge_a_chapter_loads_through_utils():
    nb = new_notebook(cells=[new_code_cell(
        'judge = digit_judge(run, images, labels, pretrained=True)\ntrain_or_load(run, "ch09_gan", g, fit)')])
    assert timings.weights_needed(nb) == ["ch09_gan", "ch08_digit_judge"]


def test_time_pretrained_refuses_without_published_weights_or_when_the_run_trained(tmp_path, monkeypatch):
    path = tmp_path / "09_demo.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        'history = train_or_load(run, "ch09_model", model, lambda: fit(model))')]), path)
    assert timings.weights_needed(nbformat.read(path, as_version=4)) == ["ch09_model"]
    import utils.pretrained

    monkeypatch.setattr(utils.pretrained, "manifest", lambda: {})
    with pytest.raises(ValueError, match="no published weights for ch09_model"):
        time_pretrained(path, runner=fake_runner({}))
    monkeypatch.setattr(utils.pretrained, "manifest", lambda: {"ch09_model": {"chapter": "09_demo"}})
    with pytest.raises(ValueError, match="trained a model"):
        time_pretrained(path, runner=fake_runner({}, trained=True))
    calls = []
    assert time_pretrained(path, runner=fake_runner({}, fixed=12.0, calls=calls, loaded=True)) == {
        "wall_s": 12.0, "device": "cpu (2 threads)"}
    assert calls == [{"overrides": None, "pretrained": True}]


def test_the_timings_command_estimates_chapters_5_and_6_and_records_pretrained_times(tmp_path, monkeypatch):
    output = tmp_path / "cpu.json"
    monkeypatch.setattr(timings, "estimate_notebook", lambda path, epochs: {
        "wall_s": 7200.0, "device": "cpu (2 threads)", "estimated_from_epochs": [epochs, epochs + 1]})
    monkeypatch.setattr(timings, "time_pretrained", lambda path: {"wall_s": 33.0, "device": "cpu (2 threads)"})
    assert timings.main(["notebooks/06_dcgan_faces.ipynb", "--output", str(output)]) == 0
    assert timings.main(["notebooks/06_dcgan_faces.ipynb", "--pretrained", "--output", str(output)]) == 0
    assert load_timings(output) == {"06_dcgan_faces": {"wall_s": 7200.0, "device": "cpu (2 threads)",
                                                       "estimated_from_epochs": [1, 2],
                                                       "pretrained": {"wall_s": 33.0, "device": "cpu (2 threads)"}}}


def test_the_timings_command_reports_a_refused_pretrained_run_and_records_nothing(tmp_path, monkeypatch, capsys):
    def refuse(path):
        raise ValueError("no published weights for ch05_x")

    monkeypatch.setattr(timings, "time_pretrained", refuse)
    output = tmp_path / "cpu.json"
    assert timings.main(["notebooks/05_cifar10_bottleneck.ipynb", "--pretrained", "--output", str(output)]) == 0
    assert "not recorded: no published weights for ch05_x" in capsys.readouterr().out and not output.exists()


def test_from_stored_records_a_fresh_full_cpu_run_and_refuses_stale_smoke_or_gpu_runs(tmp_path, capsys):
    from coursetools.notebooks import code_sha256

    path = tmp_path / "02_mnist_autoencoder.ipynb"
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    stored = {"mode": "full", "device": "cpu (2 threads)", "wall_s": 251.3, "code_sha256": code_sha256(nb)}
    for change, refused in [({}, None), ({"mode": "smoke"}, "not from a full run"),
                            ({"code_sha256": "0" * 64}, "not from a full run"),
                            ({"device": "cuda (NVIDIA H200)"}, "not a CPU")]:
        nb.metadata["course"] = {**stored, **change}
        nbformat.write(nb, path)
        if refused is None:
            assert stored_run(path) == {"wall_s": 251.3, "device": "cpu (2 threads)"}
        else:
            with pytest.raises(ValueError, match=refused):
                stored_run(path)
    output = tmp_path / "cpu.json"
    assert timings.main([str(path), "--from-stored", "--output", str(output)]) == 0  # the GPU run: refused
    assert "not recorded" in capsys.readouterr().out and not output.exists()
    nb.metadata["course"] = stored
    nbformat.write(nb, path)
    assert timings.main([str(path), "--from-stored", "--output", str(output)]) == 0
    assert load_timings(output) == {"02_mnist_autoencoder": {"wall_s": 251.3, "device": "cpu (2 threads)"}}


def test_run_copy_changes_the_sizes_saves_no_weights_and_logs_no_tcp_warning(tmp_path, clean_env, capfd):
    path = tmp_path / "02_mnist_autoencoder.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import os\nfrom utils.settings import start_chapter\nrun = start_chapter('02_mnist_autoencoder')\n"
        "assert (run.mode, run.size.epochs, run.size.blob_epochs) == ('full', 1, 2), run.size\n"
        "assert 'COURSE_WEIGHTS_OUT' not in os.environ and os.environ['COURSE_PRETRAINED'] == '1'\n"
        "print('Training ch02_x here: no weights in this test.')")]), path)
    clean_env.setenv("COURSE_WEIGHTS_OUT", str(tmp_path / "weights"))  # as a full run of the tool would set it
    before = path.read_text()
    run = run_copy(path, overrides={"epochs": 1, "blob_epochs": 2}, pretrained=True)
    assert run["trained"] and not run["loaded"] and run["device"].startswith("cpu (") and run["wall_s"] > 0
    assert path.read_text() == before and not (tmp_path / "weights").exists()
    assert os.environ["COURSE_WEIGHTS_OUT"] == str(tmp_path / "weights") and "COURSE_PRETRAINED" not in os.environ
    assert "without encryption" not in capfd.readouterr().err


def test_timings_without_the_courses_environment_says_which_python_to_use():
    code = "import sys; sys.modules['nbformat'] = None; import coursetools.timings"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=guide.ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "needs the course's environment" in done.stderr and "make timings" in done.stderr


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


# ---------------------------------------------------------------- schedule, data, quotas

def test_the_schedule_has_every_chapter_once_in_order():
    numbers = [n for chapters, _ in SESSIONS for n in chapters]
    assert numbers == sorted({path.stem[:2] for path in CHAPTERS}), numbers
    assert all(reading.strip() for _, reading in SESSIONS)


def test_every_citation_of_the_schedule_is_in_the_bibliography():
    bib = (guide.ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    for _, reading in SESSIONS:
        for key in re.findall(r"\{cite:p\}`([^`]+)`", reading):
            assert re.search(rf"@\w+\{{{re.escape(key)},", bib), key


def test_schedule_table_sums_the_exercises_and_names_the_run_times(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(chapter(course={"mode": "full", "wall_s": 30.0, "device": "cuda (GPU)"}), folder / "01_demo.ipynb")
    nb = chapter()
    nb.cells = nb.cells[:1] + nb.cells[5:]  # only exercise 9.2: 10 min, 2 points
    nbformat.write(nb, folder / "03_other.ipynb")
    table = schedule_table(sorted(folder.glob("*.ipynb")), {"01_demo": {"wall_s": 412.3, "device": "cpu"}})
    rows = table.splitlines()[2:]
    assert rows[0].startswith("| 1 | {doc}`../notebooks/01_demo` |")
    assert "| 2 · time and points not set yet | 1: GPU 30 s, CPU 6.9 min |" in rows[0]
    assert rows[1].startswith("| 3 | {doc}`../notebooks/03_other` |")  # session 3 holds chapters 3 and 4
    assert "| 1 · 10 min · 2 points | 3: GPU not measured yet, CPU not measured yet |" in rows[1]
    assert len(rows) == 2  # sessions without any of these chapters are left out


def test_data_sources_keep_the_loaders_lines_without_the_machines_folders(tmp_path):
    nb = new_notebook(cells=[new_code_cell("load_cifar10()", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=(
            "Mode: full\nCIFAR-10 train: 50,000 images from the JPEG copy in offline mirror "
            "/work/main/.devdata_c/cifar10-jpeg.tar.gz (about 27 dB)\nMNIST test: 10,000 images from "
            "C:\\Users\\me\\data\\mnist.tar.gz\nepoch 1 loss 0.1\n"))])])
    assert data_sources(nb) == [
        "CIFAR-10 train: 50,000 images from the JPEG copy in offline mirror cifar10-jpeg.tar.gz (about 27 dB)",
        "MNIST test: 10,000 images from mnist.tar.gz"]
    caveat = data_caveat_for(nb, tmp_path)
    assert "the book's stored run read the JPEG copy of the offline mirror." in caveat
    nb.cells[0].outputs[0].text = "CIFAR-10 train: 50,000 images from the official files (torchvision download)\n"
    assert "the book's stored run read the official files." in data_caveat_for(nb, tmp_path)
    nb.cells[0].outputs = []
    assert "not stated in its outputs" in data_caveat_for(nb, tmp_path)


def data_caveat_for(nb, folder) -> str:
    """The data caveat of a one-chapter book made of ``nb`` (written into ``folder``)."""
    path = folder / "05_demo.ipynb"
    nbformat.write(nb, path)
    return data_caveat([path])


def test_quota_advice_totals_the_gpu_runs_and_lists_the_published_weights(tmp_path):
    gpu = {"mode": "full", "wall_s": 100.0, "device": "cuda (GPU)"}
    paths = []
    for name, course in (("02_a", gpu), ("03_b", {**gpu, "wall_s": 20.0}), ("04_c", None)):
        nbformat.write(chapter(course=course), tmp_path / f"{name}.ipynb")
        paths.append(tmp_path / f"{name}.ipynb")
    manifest = tmp_path / "manifest.json"
    assert published_weights(manifest) == []
    advice = quota_advice(paths, manifest)
    assert "take 2.0 min on the GPU of the stored runs (2 of 3 chapters measured)" in advice
    assert "chapters with published weights: none yet" in advice
    manifest.write_text(json.dumps({"ch02_x": {"chapter": "02_a"}, "ch02_y": {"chapter": "02_a"},
                                    "ch07_z": {"chapter": "07_d"}}))
    assert published_weights(manifest) == ["02_a", "07_d"]
    assert "chapters with published weights: 2, 7." in quota_advice(paths, manifest)
