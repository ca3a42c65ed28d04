"""utils.checks.fusion: the early-fusion, multiple-choice and late-fusion-fit checks."""

import pytest
import torch

from utils.checks.fusion import check_additive_fit, check_early_fusion, check_test_fold_choice, check_zip_as_number


def right(image, table):
    planes = table[:, :, None, None].expand(-1, -1, *image.shape[2:])
    return torch.cat([image, planes], dim=1)


def test_check_early_fusion_accepts_a_right_answer(verdict):
    assert check_early_fusion(right) and verdict() == "✅ early_fusion: correct."
    assert check_early_fusion(lambda i, t: right(i, t).contiguous(), name="mine")
    assert verdict() == "✅ mine: correct."


def test_check_early_fusion_unanswered_and_not_a_tensor(verdict):
    def stub(image, table):
        ...

    assert not check_early_fusion(stub) and "no answer yet" in verdict()
    assert not check_early_fusion(lambda i, t: right(i, t).tolist()) and "got list" in verdict()


def test_check_early_fusion_names_what_is_wrong(verdict):
    assert not check_early_fusion(lambda i, t: torch.cat([t[:, :, None, None].expand(-1, -1, *i.shape[2:]), i], 1))
    assert "first 1 channel(s) should be the image" in verdict()
    assert not check_early_fusion(lambda i, t: i)
    assert "has shape (2, 1, 28, 28), not (2, 11, 28, 28)" in verdict()
    assert not check_early_fusion(lambda i, t: right(i, t.flip(0)))  # rows of the wrong example
    assert "channel 1 of example 0 should be a constant plane filled with column 0" in verdict()
    shifted = lambda i, t: right(i, t)[:, :, :, :].index_fill(1, torch.tensor([3]), 0.0)
    assert not check_early_fusion(shifted) and "channel 3 of example 0" in verdict()


# Exercises 7.2 and 7.3: multiple choice, a hint of its own for each plausible wrong choice.


@pytest.mark.parametrize("check, right, wrong", [
    (check_zip_as_number, "b", ["a", "c", "d"]),
    (check_test_fold_choice, "a", ["b", "c", "d"]),
])
def test_choice_checks_accept_the_right_letter_and_reject_each_wrong_one(verdict, check, right, wrong):
    assert check(right) and verdict() == "✅ answer: correct."
    assert check(f" {right.upper()}) ", name="mine") and verdict() == "✅ mine: correct."
    hints = set()
    for letter in wrong:
        assert not check(letter)
        out = verdict()
        assert out.startswith(f"❌ answer: not {letter!r}: ") and len(out) > 40
        hints.add(out)
    assert len(hints) == len(wrong)  # each wrong choice gets its own hint


@pytest.mark.parametrize("check", [check_zip_as_number, check_test_fold_choice])
def test_choice_checks_unanswered_and_not_an_option(verdict, check):
    assert not check(...) and verdict().startswith("⏳ answer: no answer yet")
    assert not check("e") and "'e' is not one of 'a', 'b', 'c', 'd'" in verdict()
    assert not check(2) and "is not one of" in verdict()


# Exercise 7.4: the best late-fusion (additive) fit to a 2×2 table of log prices.

PRICES = torch.tensor([[13.2, 12.4], [12.6, 12.8]])


def test_check_additive_fit_accepts_the_least_squares_fit(verdict):
    best = PRICES.mean(1, keepdim=True) + PRICES.mean(0, keepdim=True) - PRICES.mean()
    assert torch.allclose(PRICES - best, torch.tensor([[0.25, -0.25], [-0.25, 0.25]]), atol=1e-5)
    assert check_additive_fit(best, PRICES) and verdict() == "✅ late_fusion_fit: correct."
    assert check_additive_fit(best.double(), PRICES) and verdict() == "✅ late_fusion_fit: correct."


def test_check_additive_fit_rejects_the_plausible_wrong_answers(verdict):
    assert not check_additive_fit(PRICES.clone(), PRICES)  # "late fusion can fit anything"
    assert "these are the prices themselves" in verdict()
    row_means = PRICES.mean(1, keepdim=True).expand(2, 2)  # the photo alone: additive, not the best
    assert not check_additive_fit(row_means, PRICES)
    assert "additive, but not the best" in verdict()
    overall = torch.full((2, 2), PRICES.mean().item())  # one number for all: additive, not the best
    assert not check_additive_fit(overall, PRICES) and "additive, but not the best" in verdict()
    assert not check_additive_fit(torch.tensor([[13.0, 12.5], [12.5, 12.8]]), PRICES)
    assert "not of the form f(row) + g(column)" in verdict()


def test_check_additive_fit_unanswered_and_wrong_shape(verdict):
    assert not check_additive_fit(..., PRICES) and verdict().startswith("⏳ late_fusion_fit: no answer yet")
    assert not check_additive_fit(torch.zeros(4), PRICES) and "shaped (2, 2)" in verdict()
    assert not check_additive_fit([[1, 2], [3, 4]], PRICES) and "got list" in verdict()
