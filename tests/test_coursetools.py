"""coursetools.notebooks: the code hash, tidy outputs, and a real execution that stamps metadata."""

import hashlib
import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from coursetools import notebooks
from coursetools.notebooks import (
    SETUP_CELL,
    SETUP_TAG,
    cell_tags,
    code_sha256,
    collapse_carriage_returns,
    environment,
    execute,
    is_stub,
    pin_setup_cell,
    tidy_outputs,
)


def test_code_sha256_joins_code_sources_only_and_leaves_out_the_setup_cell():
    nb = new_notebook(cells=[new_code_cell("a = 1"), new_markdown_cell("text"), new_code_cell("b = 2")])
    assert code_sha256(nb) == hashlib.sha256(b"a = 1\n\nb = 2").hexdigest()
    setup = new_code_cell("# Setup: anything", metadata={"tags": [SETUP_TAG]})
    with_setup = new_notebook(cells=[setup, *nb.cells])
    assert code_sha256(with_setup) == code_sha256(nb)
    setup.metadata["tags"] = []  # untagged, it is code like any other
    assert code_sha256(with_setup) != code_sha256(nb)
    stub = new_code_cell("answer = ...", metadata={"tags": ["stub", "remove-cell"]})
    assert code_sha256(new_notebook(cells=[*nb.cells, stub])) == code_sha256(nb), "stubs never run"


def test_pin_setup_cell_writes_the_current_cell_and_tags_it():
    nb = new_notebook(cells=[new_markdown_cell("# Title"),
                             new_code_cell("# Setup: an old version", metadata={"tags": ["hide-cell"]}),
                             new_code_cell("x = 1")])
    before = code_sha256(nb)
    pin_setup_cell(nb)
    assert nb.cells[1].source == SETUP_CELL and cell_tags(nb.cells[1]) == ["hide-cell", SETUP_TAG]
    assert nb.cells[2].source == "x = 1" and code_sha256(nb) != before
    with pytest.raises(ValueError, match="must be the setup cell"):
        pin_setup_cell(new_notebook(cells=[new_code_cell("import torch")]))


def test_environment_sets_removes_and_restores(monkeypatch):
    monkeypatch.setenv("COURSE_A", "before")
    monkeypatch.delenv("COURSE_B", raising=False)
    with environment(COURSE_A=None, COURSE_B="set"):
        assert "COURSE_A" not in os.environ and os.environ["COURSE_B"] == "set"
    assert os.environ["COURSE_A"] == "before" and "COURSE_B" not in os.environ
    with pytest.raises(KeyError), environment(COURSE_A="inside"):
        raise KeyError("restored even on errors")
    assert os.environ["COURSE_A"] == "before"


def test_progress_bar_redraws_collapse_to_the_final_state():
    assert collapse_carriage_returns("\r 10%|#\r 50%|##\r100%|###\nnext\n") == "100%|###\nnext\n"
    assert collapse_carriage_returns("plain\n") == "plain\n"


def test_tidy_outputs_merges_streams():
    cell = new_code_cell("x", outputs=[new_output("stream", name="stdout", text="\r 1/2"),
                                       new_output("stream", name="stdout", text="\r 2/2\n"),
                                       new_output("stream", name="stderr", text="err\n")])
    nb = new_notebook(cells=[cell])
    tidy_outputs(nb)
    assert [(o.name, o.text) for o in cell.outputs] == [("stdout", " 2/2\n"), ("stderr", "err\n")]


def test_execute_stamps_the_course_metadata(tmp_path, clean_env):
    path = tmp_path / "demo.ipynb"
    cells = [new_code_cell("# Setup: replaced by the current setup cell"),
             new_code_cell("from utils.settings import start_chapter, record_results\n"
                           "run = start_chapter('01_transpose_convolution')"),
             new_code_cell("record_results(answer=2 * 21)"),
             new_code_cell("raise NotImplementedError", metadata={"tags": ["stub"]}),
             new_code_cell("print('solution')")]
    nbformat.write(new_notebook(cells=cells), path)
    course = execute(path, mode="smoke")
    stored = nbformat.read(path, as_version=4)
    assert stored.metadata["course"] == course
    assert course["mode"] == "smoke" and course["results"] == {"answer": 42}
    assert course["device"].startswith(("cpu", "cuda", "mps")) and course["wall_s"] > 0
    assert course["code_sha256"] == code_sha256(stored)
    assert set(course["versions"]) == {"python", "torch", "torchvision"}
    assert stored.metadata["kernelspec"]["name"] == "python3"
    assert course["release"] == notebooks.TAG and stored.cells[0].source == SETUP_CELL
    assert course["versions"]["torch"] == __import__("torch").__version__
    assert all("execution" not in cell.metadata for cell in stored.cells), "no per-cell timestamps"
    stub, solution = stored.cells[3], stored.cells[4]
    assert stub.outputs == [] and stub.execution_count is None and solution.outputs[0].text == "solution\n"


def test_execute_refuses_a_notebook_that_never_starts_the_chapter(tmp_path, clean_env):
    path = tmp_path / "bare.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("# Setup:"), new_code_cell("1 + 1")]), path)
    with pytest.raises(RuntimeError, match="never called utils.settings.start_chapter"):
        execute(path, mode="smoke")


def test_cell_tags_and_stubs():
    stub = new_code_cell("...", metadata={"tags": ["stub", "remove-cell"]})
    assert cell_tags(stub) == ["stub", "remove-cell"] and is_stub(stub)
    assert cell_tags(new_code_cell("x")) == [] and not is_stub(new_code_cell("x"))
    assert not is_stub(new_markdown_cell("text", metadata={"tags": ["stub"]}))


def test_a_full_run_saves_weights_and_lists_them_in_the_manifest(tmp_path, clean_env, monkeypatch):
    monkeypatch.setattr(notebooks, "WEIGHTS_DIR", tmp_path / "weights")
    monkeypatch.setattr(notebooks, "MANIFEST", tmp_path / "manifest.json")
    clean_env.setenv("COURSE_PRETRAINED", "1")  # the tool's runs always train: it is removed for the run
    path = tmp_path / "demo.ipynb"
    code = ("import torch\nfrom utils.settings import start_chapter\nfrom utils.pretrained import train_or_load\n"
            "run = start_chapter('02_mnist_autoencoder')\nmodel = torch.nn.Linear(2, 1)\n"
            "history = train_or_load(run, 'ch02_demo', model, lambda: {'loss': [0.5, 0.25]})")
    nbformat.write(new_notebook(cells=[new_code_cell("# Setup:"), new_code_cell(code)]), path)
    course = execute(path, mode="full")
    listed = json.loads((tmp_path / "manifest.json").read_text())["ch02_demo"]
    assert listed["chapter"] == "02_mnist_autoencoder" and listed["code_sha256"] == course["code_sha256"]
    assert listed["published"] == "repository" and set(listed["files"]) == {"weights", "history"}
    for info in listed["files"].values():
        saved = tmp_path / "weights" / info["file"]
        assert info["size"] == saved.stat().st_size and info["sha256"] == hashlib.sha256(saved.read_bytes()).hexdigest()
    state = __import__("torch").load(tmp_path / "weights" / "ch02_demo.pt", weights_only=True)
    assert set(state) == {"weight", "bias"}
    printed = nbformat.read(path, as_version=4).cells[1].outputs[-1].text
    assert "Training ch02_demo here" in printed


def test_executing_a_notebook_logs_no_tcp_warning(tmp_path, clean_env, capfd):
    path = tmp_path / "quiet.ipynb"
    code = "from utils.settings import start_chapter\nrun = start_chapter('01_transpose_convolution')"
    nbformat.write(new_notebook(cells=[new_code_cell("# Setup:"), new_code_cell(code)]), path)
    execute(path, mode="smoke")
    captured = capfd.readouterr()
    assert "Kernel is running over TCP" not in captured.err + captured.out


def test_pin_only_writes_the_setup_cell_and_kernelspec_and_keeps_everything_else(tmp_path, capsys):
    path = tmp_path / "01_demo.ipynb"
    ran = new_code_cell("x = 1", execution_count=2, outputs=[new_output("stream", name="stdout", text="1\n")])
    old = new_code_cell("# Setup: an old version", execution_count=1, metadata={"tags": ["hide-cell", SETUP_TAG]})
    nb = new_notebook(cells=[old, ran],
                      metadata={"kernelspec": {"name": "other", "display_name": "Other"}, "course": {"mode": "full"}})
    nbformat.write(nb, path)
    before = code_sha256(nb)
    assert notebooks.main(["--pin-only", str(path)]) == 0 and "pinned" in capsys.readouterr().out
    pinned = nbformat.read(path, as_version=4)
    assert pinned.cells[0].source == SETUP_CELL and SETUP_TAG in cell_tags(pinned.cells[0])
    assert pinned.metadata.kernelspec == notebooks.KERNELSPEC and pinned.metadata.course == {"mode": "full"}
    assert pinned.cells[1].outputs == ran.outputs and pinned.cells[1].execution_count == 2
    assert code_sha256(pinned) == before, "the code hash leaves the setup cell out: outputs stay current"
    text = path.read_text()
    assert notebooks.main(["--pin-only", str(path)]) == 0 and "already pinned" in capsys.readouterr().out
    assert path.read_text() == text


def test_pin_only_refuses_a_notebook_whose_first_code_cell_is_not_the_setup_cell(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import torch")]), path)
    with pytest.raises(ValueError, match="must be the setup cell"):
        notebooks.pin(path)


def test_the_kernel_the_chapters_name_runs_this_environments_python():
    """The chapters' metadata names `python3` (so Colab, Kaggle and any Jupyter open them without asking); in
    the course's environment that kernel is the environment's own Python, the same as `make kernel`'s."""
    import sys

    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name=notebooks.KERNELSPEC["name"])
    assert manager.format_kernel_cmd()[0] == sys.executable


def demo_run(tmp_path, last="print('done')"):
    """A small chapter in ``tmp_path`` (setup cell, start_chapter, a progress bar, a stub, ``last``)."""
    path = tmp_path / "notebooks" / "01_demo.ipynb"
    path.parent.mkdir()
    cells = [new_markdown_cell("# 1. Demo"), new_code_cell("# Setup:"),
             new_code_cell("from utils.settings import start_chapter\nrun = start_chapter('01_transpose_convolution')"),
             new_code_cell("for i in range(3):\n    print(i, end='\\r')\nprint('bar', end='\\n')"),
             new_code_cell("answer = ...", metadata={"tags": ["stub"]}), new_code_cell(last)]
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_run_executes_a_copy_with_a_progress_line_per_cell_and_leaves_the_notebook_alone(tmp_path, clean_env,
                                                                                          capfd):
    from coursetools import run

    path = demo_run(tmp_path)
    before = path.read_text()
    assert run.main([str(path), "--mode", "smoke", "--output", str(tmp_path / "out")]) == 0
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"Running {path} in smoke mode with the kernel python3 ..."
    assert [line[:72].rstrip() for line in lines[1:5]] == [
        "[1/4] # Setup:", "[2/4] from utils.settings import start_chapter", "[3/4] for i in range(3):",
        "[4/4] print('done')"], "one line per code cell run, stubs left out"
    assert all(line.endswith(" s") for line in lines[1:5]) and lines[5].startswith("Done after")
    assert "Kernel is running over TCP" not in out + err
    assert path.read_text() == before, "the notebook itself is never written"
    ran = nbformat.read(tmp_path / "out" / "01_demo.ipynb", as_version=4)
    assert "Mode: smoke" in ran.cells[2].outputs[0].text and ran.cells[3].outputs[0].text == "bar\n"
    assert "stub" not in str([cell_tags(c) for c in ran.cells])


def test_run_stops_at_an_error_saves_what_ran_and_fails(tmp_path, clean_env, capfd):
    from coursetools import run

    path = demo_run(tmp_path, last="1 / 0")
    assert run.main([str(path), "--mode", "smoke", "--output", str(tmp_path / "out")]) == 1
    out, err = capfd.readouterr()
    assert out.splitlines()[4].startswith("[4/4] 1 / 0 ") and out.splitlines()[4].endswith("s, failed")
    assert "ZeroDivisionError" in err
    assert "Stopped at an error" in out and (tmp_path / "out" / "01_demo.ipynb").is_file()
    assert run.main([str(path), "--kernel", "no-such-kernel", "--output", str(tmp_path / "out")]) == 2
    assert "run `make kernel`" in capfd.readouterr().out
