"""Chapter 4's exercise checks, against the chapter's own cells: the box filter (exercise 4.2, ``check_box_filter``)
and the code sizes of exercise 4.1 (``check_number`` with a hint, the answer it builds on and the value carried
from the student's own earlier answer)."""

import contextlib
import io

import nbformat
import pytest
import torch
import torch.nn.functional as F
from conftest import ROOT
from torch import nn

from coursetools.notebooks import cell_tags
from utils.checks import check_box_filter, check_number

NOTEBOOK = ROOT / "notebooks" / "04_denoising_autoencoder.ipynb"


def read_chapter():
    """Chapter 4 as stored: the tests below check its cells."""
    return nbformat.read(NOTEBOOK, as_version=4)


# Exercise 4.2: the box filter.

def box_filter(images, k):
    return F.conv2d(images, torch.full((1, 1, k, k), 1 / k**2), padding=k // 2)


def test_check_box_filter_accepts_one_conv2d_call(verdict):
    assert check_box_filter(box_filter) and "correct" in verdict()
    assert F.conv2d is torch.conv2d  # the counting wrappers are gone again


@pytest.mark.parametrize("wrong, message", [
    (lambda x, k: F.avg_pool2d(x, k, stride=1, padding=k // 2), "calls F.avg_pool2d"),
    (lambda x, k: nn.AvgPool2d(k, stride=1, padding=k // 2)(x), "calls F.avg_pool2d"),
    (lambda x, k: F.conv2d(x, torch.ones(1, 1, k, k), padding=k // 2), "wrong values"),  # a sum
    (lambda x, k: F.conv2d(x, torch.full((1, 1, k, k), 1 / k**2)), "has shape"),  # no padding
    (lambda x, k: F.conv2d(x, torch.full((1, 1, k, k), 1 / k**2), padding=1), "has shape"),  # k=3 only
    (lambda x, k: F.conv2d(F.pad(x, (k // 2,) * 4, mode="reflect"),
                           torch.full((1, 1, k, k), 1 / k**2)), "wrong values"),  # not zero padding
    (lambda x, k: F.conv2d(F.conv2d(x, torch.full((1, 1, 1, k), 1 / k), padding=(0, k // 2)),
                           torch.full((1, 1, k, 1), 1 / k), padding=(k // 2, 0)), "2 times"),  # separable
    (lambda x, k: box_filter(x, k) / box_filter(torch.ones_like(x), k), "2 times"),  # mean of the inside
    (lambda x, k: x, "0 times"),
])
def test_check_box_filter_rejects_plausible_wrong_answers(verdict, wrong, message):
    assert not check_box_filter(wrong)
    assert message in verdict()


def test_check_box_filter_unanswered(verdict):
    assert not check_box_filter(...) and "no answer yet" in verdict()

    def stub(images, k):
        ...

    assert not check_box_filter(stub) and "no answer yet" in verdict()


# Exercise 4.1: the code sizes for 30×30 images, checked by the cells of the chapter.

def notebook_models():
    """Run the chapter's cells that define LectureDAE, conv_bn and DenoisingAE; return the two models."""
    namespace = {"torch": torch, "nn": nn}
    for cell in read_chapter().cells:
        if cell.cell_type == "code" and ("class LectureDAE" in cell.source or "class DenoisingAE" in cell.source):
            exec(cell.source, namespace)
    return namespace["LectureDAE"], namespace["DenoisingAE"]


def exercise_cells():
    """Exercise 4.1's stub and solution cells."""
    cells = read_chapter().cells
    start = next(i for i, c in enumerate(cells) if c.source.startswith("### Exercise 4.1"))
    found = {next(t for t in ("stub", "solution") if t in cell_tags(c)): c.source
             for c in cells[start + 1:start + 3] if c.cell_type == "code"}
    assert set(found) == {"stub", "solution"}
    return found


ANSWERS = ("lecture_code_numbers", "our_code_numbers", "ratio_to_pixels")


def run_exercise(source, **answers):
    """Run the cell ``source`` with the answers given (the others as the stub leaves them); return its output."""
    lines = source.splitlines()
    for name, value in answers.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        lines[index] = f"{name} = {value!r}"
    lecture, ours = notebook_models()
    namespace = {"torch": torch, "check_number": check_number, "LectureDAE": lecture, "DenoisingAE": ours}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec("\n".join(lines), namespace)
    return out.getvalue()


def lines(output):
    """The verdict lines (✅, ❌ or ⏳) of a check's output."""
    return [line for line in output.splitlines() if line[:1] in "✅❌⏳"]


def test_exercise_4_1_asks_for_sizes_the_chapter_does_not_print():
    lecture, ours = notebook_models()
    probe = torch.zeros(1, 1, 30, 30)
    assert (lecture().encoder(probe).numel(), ours().encoder(probe).numel()) == (8 * 3 * 3, 32 * 8 * 8)
    assert (ours().encoder(torch.zeros(1, 1, 28, 28)).numel()) == 32 * 7 * 7  # what the chapter prints
    for source in exercise_cells().values():
        assert "torch.zeros(1, 1, 30, 30)" in source and "/ 900" in source


def test_exercise_4_1_solution_passes_its_own_checks():
    output = run_exercise(exercise_cells()["solution"])
    assert [line[0] for line in lines(output)] == ["✅"] * 3


def test_exercise_4_1_accepts_the_ratio_its_solution_prints():
    output = run_exercise(exercise_cells()["stub"], lecture_code_numbers=72, our_code_numbers=2048,
                          ratio_to_pixels=2.3)  # "about 2.3", as the solution says
    assert [line[0] for line in lines(output)] == ["✅"] * 3


def test_exercise_4_1_untouched_stub_says_no_answer_yet():
    output = run_exercise(exercise_cells()["stub"])
    assert len(lines(output)) == 3 and all(line.startswith("⏳") and "no answer yet" in line
                                           for line in lines(output))


@pytest.mark.parametrize("wrong", [8 * 4 * 4, 8 * 2 * 2, 8 * 7 * 7])  # a pool rounded up; one pool too many; 7×7
def test_exercise_4_1_rejects_wrong_lecture_sizes_with_a_hint(wrong):
    output = run_exercise(exercise_cells()["stub"], lecture_code_numbers=wrong)
    first = lines(output)[0]
    assert first.startswith("❌ lecture code size") and "floor(H / 2)" in first


@pytest.mark.parametrize("wrong", [32 * 7 * 7, 32 * 7.5 * 7.5, 32 * 15 * 15, 64 * 8 * 8])
def test_exercise_4_1_rejects_wrong_code_sizes_and_says_the_ratio_follows(wrong):
    # the 28×28 answer; no floor; one stride-2 layer only; the channels of the wide model
    output = run_exercise(exercise_cells()["stub"], lecture_code_numbers=72, our_code_numbers=wrong,
                          ratio_to_pixels=wrong / 900)
    ours, ratio = lines(output)[1:]
    assert ours.startswith("❌ our code size") and "floor((H - 1) / 2) + 1" in ours
    assert ratio.startswith("❌ ratio to pixels") and "right for your our code size" in ratio


@pytest.mark.parametrize("wrong", [32 * 7 * 7 / 784, 2048 / 784, 1568 / 900, 900 / 2048])
def test_exercise_4_1_rejects_wrong_ratios(wrong):
    # the 28×28 ratio; the wrong pixel count; the 28×28 code over 900; upside down
    output = run_exercise(exercise_cells()["stub"], lecture_code_numbers=72, our_code_numbers=2048,
                          ratio_to_pixels=wrong)
    ratio = lines(output)[2]
    assert ratio.startswith("❌ ratio to pixels") and ("too high" in ratio or "too low" in ratio)
    assert "builds on" not in ratio and "right for your" not in ratio


def test_exercise_4_1_ratio_without_a_code_size_says_what_it_builds_on():
    output = run_exercise(exercise_cells()["stub"], ratio_to_pixels=1.5)
    ratio = lines(output)[2]
    assert ratio.startswith("❌ ratio to pixels") and "no answer yet" in ratio
