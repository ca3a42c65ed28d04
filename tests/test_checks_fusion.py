"""utils.checks.fusion: the flattened-size, early-fusion, target-encoding, multiple-choice and late-fusion-fit
checks."""

import pytest
import torch
from torch import nn

from utils.checks.fusion import (
    check_additive_fit,
    check_early_fusion,
    check_flat_features,
    check_sides_that_fit,
    check_target_encoding,
    check_test_fold_choice,
)


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


# Exercise 7.3: multiple choice, a hint of its own for each plausible wrong choice.


def test_choice_check_accepts_the_right_letter_and_rejects_each_wrong_one(verdict):
    assert check_test_fold_choice("a") and verdict() == "✅ answer: correct."
    assert check_test_fold_choice(" A) ", name="mine") and verdict() == "✅ mine: correct."
    hints = set()
    for letter in "bcd":
        assert not check_test_fold_choice(letter)
        out = verdict()
        assert out.startswith(f"❌ answer: not {letter!r}: ") and len(out) > 40
        hints.add(out)
    assert len(hints) == 3  # each wrong choice gets its own hint


def test_choice_check_unanswered_and_not_an_option(verdict):
    assert not check_test_fold_choice(...) and verdict().startswith("⏳ answer: no answer yet")
    assert not check_test_fold_choice("e") and "'e' is not one of 'a', 'b', 'c', 'd'" in verdict()
    assert not check_test_fold_choice(2) and "is not one of" in verdict()


# Exercise 7.1: the flattened size of the lecture recipe's image branch for any side.

BRANCH = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
                       nn.Conv2d(16, 8, 5, stride=2, padding=1), nn.ReLU(), nn.Flatten())


def side_after(side):
    return ((side + 2 - 3) // 2 + 1 + 2 - 5) // 2 + 1


def test_check_flat_features_accepts_the_arithmetic(verdict):
    assert check_flat_features(lambda side: 8 * side_after(side) ** 2, BRANCH)
    assert verdict() == "✅ flat_features: correct."
    assert check_flat_features(lambda side: torch.tensor(8 * side_after(side) ** 2), BRANCH, name="mine")
    assert verdict() == "✅ mine: correct."


def test_check_flat_features_unanswered(verdict):
    def stub(side):
        ...

    assert not check_flat_features(..., BRANCH) and verdict().startswith("⏳ flat_features: no answer yet")
    assert not check_flat_features(stub, BRANCH) and verdict().startswith("⏳ flat_features: no answer yet")


def test_check_flat_features_names_the_slip_and_what_was_expected(verdict):
    expected = "a 3 × 28 × 28 image flattens to 288 values (8 channels × 6 × 6)"
    assert not check_flat_features(lambda side: 1800, BRANCH)  # the 64 × 64 constant
    out = verdict()
    assert out.startswith("❌") and "the value for a 64 × 64 image" in out and expected in out
    assert not check_flat_features(lambda side: side_after(side) ** 2, BRANCH)  # channels forgotten
    assert "Flatten also counts its 8 channels" in verdict()
    true_division = lambda side: 8 * ((((side + 2 - 3) / 2 + 1) + 2 - 5) / 2 + 1) ** 2
    assert not check_flat_features(true_division, BRANCH) and "use //, not /" in verdict()
    assert not check_flat_features(lambda side: 16 * ((side - 1) // 2 + 1) ** 2, BRANCH)  # first layer only
    out = verdict()
    assert out.startswith("❌ flat_features: flat_features(28) returned 3136; ") and expected in out
    assert not check_flat_features(lambda side: 8 * side_after(side) ** 2 + (side == 127), BRANCH)  # odd side
    assert "flat_features(127) returned" in verdict()


def test_check_flat_features_reports_a_crash_or_a_wrong_type(verdict):
    assert not check_flat_features(lambda side: 1 / 0, BRANCH) and "raised ZeroDivisionError" in verdict()
    assert not check_flat_features(lambda side: "288", BRANCH) and "returned str; expected a whole number" in verdict()


def test_check_sides_that_fit_accepts_every_side_that_flattens_to_1800(verdict):
    assert [side for side in range(32, 129) if 8 * side_after(side) ** 2 == 1800] == [61, 62, 63, 64]
    assert check_sides_that_fit([61, 62, 63, 64], BRANCH) and verdict() == "✅ sides_that_fit: correct."
    assert check_sides_that_fit((64, 63, 62, 61, 64), BRANCH, name="mine") and verdict() == "✅ mine: correct."


def test_check_sides_that_fit_hints_without_giving_the_list_away(verdict):
    assert not check_sides_that_fit(..., BRANCH) and verdict().startswith("⏳ sides_that_fit: no answer yet")
    assert not check_sides_that_fit([64], BRANCH) and "64 is not the only one" in verdict()
    assert not check_sides_that_fit([63, 64], BRANCH)
    assert verdict() == ("❌ sides_that_fit: every side you list fits, but 2 more do: try flat_features on each "
                         "side from 32 to 128.")
    assert not check_sides_that_fit([61, 62, 63, 64, 65], BRANCH)
    assert verdict() == "❌ sides_that_fit: side 65 flattens to 2048 values, not 1800."
    assert not check_sides_that_fit([20, 61], BRANCH) and "side 20 is outside 32..128" in verdict()
    assert not check_sides_that_fit(64, BRANCH) and "expected a list of whole numbers, got int" in verdict()


# Exercise 7.2: target encoding of the zipcode, leaving each training house's own price out.


def target_encoding(zipcode, log_price, train, own=False, everyone=False, fallback=None):
    """The right answer, written as a loop (a different way from the check's), and the slips it can make."""
    counted = set(range(len(zipcode))) if everyone else set(train.tolist())
    default = log_price.mean() if everyone else log_price[train].mean()
    out = torch.empty(len(zipcode))
    for i in range(len(zipcode)):
        prices = [log_price[j] for j in counted if (own or j != i) and zipcode[j] == zipcode[i]]
        out[i] = sum(prices) / len(prices) if prices else (default if fallback is None else fallback)
    return out


def test_check_target_encoding_accepts_the_leave_one_out_mean(verdict):
    assert check_target_encoding(target_encoding) and verdict() == "✅ target_encoding: correct."
    double = lambda z, y, t: target_encoding(z, y, t).double()
    assert check_target_encoding(double, name="mine") and verdict() == "✅ mine: correct."


def test_check_target_encoding_unanswered(verdict):
    def stub(zipcode, log_price, train):
        ...

    assert not check_target_encoding(...) and verdict().startswith("⏳ target_encoding: no answer yet")
    assert not check_target_encoding(stub) and verdict().startswith("⏳ target_encoding: no answer yet")


@pytest.mark.parametrize("slip, hint", [
    (dict(own=True), "own price is in its zipcode's mean"),
    (dict(everyone=True), "prices of houses outside `train`"),
    (dict(fallback=0.0), "gets 0: give it the mean log price of the training houses"),
    (dict(fallback=float("nan")), "some houses get NaN"),
])
def test_check_target_encoding_names_each_plausible_slip(verdict, slip, hint):
    assert not check_target_encoding(lambda z, y, t: target_encoding(z, y, t, **slip))
    out = verdict()
    assert out.startswith("❌ target_encoding: ") and hint in out


def test_check_target_encoding_says_which_house_is_wrong_and_the_shape(verdict):
    shifted = lambda z, y, t: target_encoding(z, y, t) + (torch.arange(len(z)) == 3) * 0.5
    assert not check_target_encoding(shifted)
    assert verdict() == ("❌ target_encoding: house 3 (a test house; 0 other training house(s) share its zipcode) "
                         "gets 13.27, expected 12.77.")
    assert not check_target_encoding(lambda z, y, t: target_encoding(z, y, t)[:5])
    assert "expected a tensor of shape (12,), one number per house; got (5,)" in verdict()
    assert not check_target_encoding(lambda z, y, t: 1 / 0) and "raised ZeroDivisionError" in verdict()


def test_check_target_encoding_does_not_let_the_answer_change_its_inputs(verdict):
    def in_place(zipcode, log_price, train):
        result = target_encoding(zipcode, log_price, train)
        log_price.zero_()  # a student's function that modifies its argument
        return result

    assert check_target_encoding(in_place) and verdict() == "✅ target_encoding: correct."


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
