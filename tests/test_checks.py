"""utils.checks: right answers pass; wrong ones get a message that says what is wrong."""

import pytest
import torch

from utils.checks import check_choice, check_function, check_number, check_shape, check_tensor


def verdict(capsys):
    return capsys.readouterr().out.strip()


def test_check_tensor_right_and_wrong(capsys):
    expected = torch.arange(6.0).view(2, 3)
    assert check_tensor(expected.clone(), expected, name="y") and verdict(capsys) == "✅ y: correct."
    assert not check_tensor(..., expected) and "no answer yet" in verdict(capsys)
    assert not check_tensor([1, 2], expected) and "expected a torch.Tensor, got list" in verdict(capsys)
    assert not check_tensor(expected.T, expected) and "wrong shape (3, 2); expected (2, 3)" in verdict(capsys)
    assert not check_tensor(expected.long(), expected) and "wrong dtype torch.int64" in verdict(capsys)
    wrong = expected.clone()
    wrong[1, 2] = 0
    assert not check_tensor(wrong, expected)
    message = verdict(capsys)
    assert "1 of 6 values are off, the first at index (1, 2): got 0" in message and "5" not in message.split("got")[1]


def test_check_number_says_too_high_or_too_low(capsys):
    assert check_number(26.0, 26.0001, name="psnr") and "correct" in verdict(capsys)
    assert not check_number(30, 26.0) and "too high" in verdict(capsys)
    assert not check_number(torch.tensor(20.0), 26.0) and "too low" in verdict(capsys)
    assert not check_number("26", 26.0) and "expected a number, got str" in verdict(capsys)
    assert not check_number(None, 1.0) and "no answer yet" in verdict(capsys)


def test_check_shape_names_the_wrong_dimension(capsys):
    assert check_shape(torch.zeros(2, 8, 128, 128), (2, 8, 128, 128)) and "correct" in verdict(capsys)
    assert not check_shape((2, 8, 127, 128), (2, 8, 128, 128)) and "dimension 2 (got 127)" in verdict(capsys)
    assert not check_shape(torch.Size([2, 8]), (2, 8, 1)) and "2 dimensions" in verdict(capsys)


def test_check_function_reports_the_first_failing_case(capsys):
    def double(x):
        return 2 * x

    assert check_function(double, [((1,), 2), ((3,), 6)]) and "double: correct" in verdict(capsys)
    assert not check_function(lambda x: x + 1, [((1,), 2), ((3,), 6)], name="f")
    assert "f(3) returned 4, which is not right" in verdict(capsys)

    def stub(x): ...

    assert not check_function(stub, [((1,), 2)]) and "returned None" in verdict(capsys)
    assert check_function(torch.ones, [((2,), torch.ones(2))]) and "correct" in verdict(capsys)


@pytest.mark.parametrize(("answer", "ok", "message"), [
    ("B", True, "correct"), ("a", False, "not the right choice"), ("z", False, "not one of"),
    (..., False, "no answer yet"),
])
def test_check_choice(capsys, answer, ok, message):
    assert check_choice(answer, "b", ["a", "b", "c"]) is ok
    assert message in verdict(capsys)
