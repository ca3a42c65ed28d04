"""Chapter 4's exercise checks accept the right answers and reject the plausible wrong ones."""

import subprocess
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from coursetools.notebooks import cell_tags
from utils.checks import check_box_filter, check_number

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_denoising_autoencoder.ipynb"
# The rewrite of chapter 4 these tests were written for (commit 8fe6154) did not finish its full CPU run in
# the session that wrote it; the stored chapter is still the earlier one. Until it is re-run, the tests read
# the rewrite from git; once the stored chapter is the rewrite, PENDING_REWRITE must go (a test checks it).
PENDING_REWRITE = "8fe6154"


def read_chapter():
    """The chapter these tests check: the stored one, or its rewrite from git while that is pending."""
    if not PENDING_REWRITE:
        return nbformat.read(NOTEBOOK, as_version=4)
    shown = subprocess.run(["git", "show", f"{PENDING_REWRITE}:notebooks/{NOTEBOOK.name}"], cwd=ROOT,
                           capture_output=True, text=True)
    if shown.returncode != 0:
        pytest.skip(f"the pending rewrite of chapter 4 needs the git history ({shown.stderr.strip()[:80]})")
    return nbformat.reads(shown.stdout, as_version=4)


def test_the_pending_rewrite_is_not_yet_the_stored_chapter():
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert not PENDING_REWRITE or not any("check_box_filter" in c.source for c in stored.cells), (
        "chapter 4 is re-run: empty PENDING_REWRITE")


def verdict(capsys):
    return capsys.readouterr().out.strip()


def box_filter(images, k):
    return F.conv2d(images, torch.full((1, 1, k, k), 1 / k**2), padding=k // 2)


def test_check_box_filter_accepts_one_conv2d_call(capsys):
    assert check_box_filter(box_filter) and "correct" in verdict(capsys)
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
def test_check_box_filter_rejects_plausible_wrong_answers(capsys, wrong, message):
    assert not check_box_filter(wrong)
    assert message in verdict(capsys)


def test_check_box_filter_unanswered(capsys):
    assert not check_box_filter(...) and "no answer yet" in verdict(capsys)

    def stub(images, k):
        ...

    assert not check_box_filter(stub) and "no answer yet" in verdict(capsys)


def notebook_models():
    """Run the notebook's cells that define SeedDAE, conv_bn and DenoisingAE; return their names."""
    namespace = {"torch": torch, "nn": nn}
    for cell in read_chapter().cells:
        if cell.cell_type == "code" and ("class SeedDAE" in cell.source or "class DenoisingAE" in cell.source):
            exec(cell.source, namespace)
    return namespace["SeedDAE"], namespace["DenoisingAE"]


def exercise_cells():
    cells = read_chapter().cells
    start = next(i for i, c in enumerate(cells) if c.source.startswith("### Exercise 4.1"))
    return [c for c in cells[start + 1:start + 3] if c.cell_type == "code"]


def test_exercise_4_1_checks_a_size_the_text_does_not_give(capsys):
    seed, ours = notebook_models()
    probe = torch.zeros(1, 1, 30, 30)
    expected = {"seed": seed().encoder(probe).numel(), "ours": ours().encoder(probe).numel()}
    assert expected == {"seed": 8 * 3 * 3, "ours": 64 * 8 * 8}
    for cell in exercise_cells():
        assert "torch.zeros(1, 1, 30, 30)" in cell.source and "/ 900" in cell.source
    assert check_number(72, expected["seed"]) and check_number(4096, expected["ours"])
    assert check_number(4096 / 900, expected["ours"] / 900)
    capsys.readouterr()
    for wrong in (8 * 4 * 4, 8 * 2 * 2):  # rounding a pool up; one pool too many
        assert not check_number(wrong, expected["seed"])
    for wrong in (64 * 7 * 7, 64 * 7.5 * 7.5, 64 * 15 * 15):  # the 28×28 answer; no floor; one stride
        assert not check_number(wrong, expected["ours"])
    for wrong in (4.0, 3136 / 900, 4096 / 784):  # the 28×28 ratio; wrong code; wrong pixel count
        assert not check_number(wrong, expected["ours"] / 900)


def test_exercise_4_1_solution_passes_its_own_checks():
    solution = next(c for c in exercise_cells() if "solution" in cell_tags(c))
    namespace = {"torch": torch, "check_number": check_number}
    namespace["SeedDAE"], namespace["DenoisingAE"] = notebook_models()
    exec(solution.source, namespace)
    assert namespace["seed_code_numbers"] == 72 and namespace["our_code_numbers"] == 4096
