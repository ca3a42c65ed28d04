"""coursetools.notebooks: the code hash, tidy outputs, and a real execution that stamps metadata."""

import hashlib

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from coursetools.notebooks import cell_tags, code_sha256, collapse_carriage_returns, execute, is_stub, tidy_outputs


def test_code_sha256_joins_code_sources_only():
    nb = new_notebook(cells=[new_code_cell("a = 1"), new_markdown_cell("text"), new_code_cell("b = 2")])
    assert code_sha256(nb) == hashlib.sha256(b"a = 1\n\nb = 2").hexdigest()


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
    cells = [new_code_cell("from utils.settings import start_chapter, record_results\n"
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
    stub, solution = stored.cells[2], stored.cells[3]
    assert stub.outputs == [] and stub.execution_count is None and solution.outputs[0].text == "solution\n"


def test_execute_refuses_a_notebook_that_never_starts_the_chapter(tmp_path, clean_env):
    path = tmp_path / "bare.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), path)
    with pytest.raises(RuntimeError, match="never called utils.settings.start_chapter"):
        execute(path, mode="smoke")


def test_cell_tags_and_stubs():
    stub = new_code_cell("...", metadata={"tags": ["stub", "remove-cell"]})
    assert cell_tags(stub) == ["stub", "remove-cell"] and is_stub(stub)
    assert cell_tags(new_code_cell("x")) == [] and not is_stub(new_code_cell("x"))
    assert not is_stub(new_markdown_cell("text", metadata={"tags": ["stub"]}))
