"""utils.checks.answers: right answers pass; wrong ones get a message that says what is wrong."""

import pytest
import torch

from utils.checks.answers import check_choice, check_number, check_shape, check_tensor


def test_check_tensor_right_and_wrong(verdict):
    expected = torch.arange(6.0).view(2, 3)
    assert check_tensor(expected.clone(), expected, name="y") and verdict() == "✅ y: correct."
    assert not check_tensor(..., expected) and "no answer yet" in verdict()
    assert not check_tensor([1, 2], expected) and "expected a torch.Tensor, got list" in verdict()
    assert not check_tensor(expected.T, expected) and "wrong shape (3, 2); expected (2, 3)" in verdict()
    assert not check_tensor(expected.long(), expected) and "wrong dtype torch.int64" in verdict()
    wrong = expected.clone()
    wrong[1, 2] = 0
    assert not check_tensor(wrong, expected)
    message = verdict()
    assert "1 of 6 values are off, the first at index (1, 2): got 0" in message and "5" not in message.split("got")[1]


def test_check_number_says_too_high_or_too_low(verdict):
    assert check_number(26.0, 26.0001, name="psnr") and "correct" in verdict()
    assert not check_number(30, 26.0) and "too high" in verdict()
    assert not check_number(torch.tensor(20.0), 26.0) and "too low" in verdict()
    assert not check_number("26", 26.0) and "expected a number, got str" in verdict()
    assert not check_number(None, 1.0) and "no answer yet" in verdict()


def test_check_shape_names_the_wrong_dimension(verdict):
    assert check_shape(torch.zeros(2, 8, 128, 128), (2, 8, 128, 128)) and "correct" in verdict()
    assert not check_shape((2, 8, 127, 128), (2, 8, 128, 128)) and "dimension 2 (got 127)" in verdict()
    assert not check_shape(torch.Size([2, 8]), (2, 8, 1)) and "2 dimensions" in verdict()


@pytest.mark.parametrize(("answer", "ok", "message"), [
    ("B", True, "correct"), ("a", False, "not the right choice"), ("z", False, "not one of"),
    (..., False, "no answer yet"),
])
def test_check_choice(verdict, answer, ok, message):
    assert bool(check_choice(answer, "b", ["a", "b", "c"])) is ok
    assert message in verdict()


def test_a_hint_follows_a_wrong_answer_only(verdict):
    assert not check_number(30, 26.0, hint="Use the rule of section 2.") and verdict().endswith(
        "30 is too high. Use the rule of section 2.")
    assert not check_number(..., 26.0, hint="Use the rule.") and "Use the rule" not in verdict()
    assert check_number(26.0, 26.0, hint="Use the rule.") and verdict() == "✅ answer: correct."
    assert not check_shape((1, 2), (1, 3), hint="Count the pools.") and verdict().endswith("Count the pools.")
    assert not check_choice("a", "b", ["a", "b"], hint="Read the figure.") and verdict().endswith("Read the figure.")
    assert not check_tensor(torch.zeros(2), torch.ones(2), hint="Add one.") and verdict().endswith("Add one.")


def test_a_second_wrong_number_that_only_follows_from_the_first_says_so(verdict):
    """Exercise 4.1's pattern: a code size, then its ratio to the 900 pixels."""
    size = check_number(3200, 4096, name="our code size")
    assert "❌ our code size: 3200 is too low." in verdict()
    carried = check_number(3200 / 900, 4096 / 900, name="ratio", after=size, carried=lambda: 3200 / 900)
    message = verdict()
    assert not carried and message.startswith("❌ ratio: 3.556 is right for your our code size, which is not")
    assert "fix that first" in message and "too" not in message
    independent = check_number(2.0, 4096 / 900, name="ratio", after=size, carried=lambda: 3200 / 900)
    message = verdict()
    assert not independent and "2 is too low" in message and "It builds on our code size, which is wrong too" in message
    right = check_number(4096, 4096, name="our code size")
    verdict()
    assert not check_number(2.0, 4096 / 900, name="ratio", after=right, carried=4096 / 900)
    assert verdict() == "❌ ratio: 2 is too low.", "a right earlier answer is not mentioned"


def test_carried_from_an_unanswered_earlier_answer_never_breaks_the_check(verdict):
    size = check_number(..., 4096, name="our code size")
    verdict()
    assert not check_number(..., 4.55, name="ratio", after=size, carried=lambda: ... / 900)
    assert verdict() == "⏳ ratio: no answer yet: replace the `...` with your number."
    assert not check_number(3.0, 4.55, name="ratio", after=size, carried=lambda: ... / 900)
    assert verdict() == ("❌ ratio: 3 is too low. It builds on our code size, which has no answer yet: answer "
                         "that first.")
