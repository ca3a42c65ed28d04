"""utils.checks.functions: a student's function, by its results and by the library functions it calls."""

import torch
from torch import nn
from torch.nn import functional as F

from utils.checks.functions import check_calls, check_function


def test_check_function_reports_the_first_failing_case(verdict):
    def double(x):
        return 2 * x

    assert check_function(double, [((1,), 2), ((3,), 6)]) and "double: correct" in verdict()
    assert not check_function(lambda x: x + 1, [((1,), 2), ((3,), 6)], name="f")
    assert "f(3) returned 4, which is not right" in verdict()

    def stub(x): ...

    assert not check_function(stub, [((1,), 2)]) and "returns nothing" in verdict()
    assert check_function(torch.ones, [((2,), torch.ones(2))]) and "correct" in verdict()


def test_check_function_reports_a_crash_instead_of_raising(capsys):
    def buggy(h):
        return h / 0

    assert not check_function(buggy, [((1,), 2)])
    assert "buggy(1) raised ZeroDivisionError" in capsys.readouterr().out


def test_check_calls_wants_exactly_one_call_of_the_named_function(verdict):
    kernel = torch.randn(1, 1, 3, 3)
    ys = [torch.randn(1, 1, 4, 4) for _ in range(2)]
    cases = [((y,), F.conv_transpose2d(y, kernel, stride=2, padding=1, output_padding=1)) for y in ys]

    def right(y):
        return F.conv_transpose2d(y, kernel, stride=2, padding=1, output_padding=1)

    assert check_calls(right, cases, once="conv_transpose2d") and "correct" in verdict()
    assert check_calls(lambda y: nn.functional.conv_transpose2d(y, kernel, stride=2, padding=1,
                                                                 output_padding=1),
                       cases, name="f", once="conv_transpose2d")
    assert "correct" in verdict()
    by_matrix = [c[1] for c in cases]
    assert not check_calls(lambda y: by_matrix[0] if y is ys[0] else by_matrix[1], cases,
                           name="f", once="conv_transpose2d")
    assert "calls F.conv_transpose2d 0 times" in verdict()
    assert not check_calls(lambda y: right(y) + 0 * right(y), cases, name="f", once="conv_transpose2d")
    assert "2 times" in verdict()
    assert not check_calls(lambda y: F.conv_transpose2d(y, kernel, stride=2, padding=1), cases,
                           name="f", once="conv_transpose2d")
    assert "has shape (1, 1, 7, 7)" in verdict()
    images = torch.rand(2, 1, 8, 8)
    box = [((images,), F.avg_pool2d(images, 3, stride=1, padding=1))]
    assert not check_calls(lambda x: F.avg_pool2d(x, 3, stride=1, padding=1), box, name="box", once="conv2d")
    assert "calls F.conv2d 0 times" in verdict()
    assert check_calls(lambda x: F.conv2d(x, torch.full((1, 1, 3, 3), 1 / 9), padding=1), box,
                       name="box", once="conv2d")
    assert "correct" in verdict()
