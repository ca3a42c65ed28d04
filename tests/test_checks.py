"""utils.checks: right answers pass; wrong ones get a message that says what is wrong."""

import itertools

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

    assert not check_function(stub, [((1,), 2)]) and "returns nothing" in verdict(capsys)
    assert check_function(torch.ones, [((2,), torch.ones(2))]) and "correct" in verdict(capsys)


@pytest.mark.parametrize(("answer", "ok", "message"), [
    ("B", True, "correct"), ("a", False, "not the right choice"), ("z", False, "not one of"),
    (..., False, "no answer yet"),
])
def test_check_choice(capsys, answer, ok, message):
    assert bool(check_choice(answer, "b", ["a", "b", "c"])) is ok
    assert message in verdict(capsys)


# Chapter 1's checks: each one accepts a right answer and rejects the plausible wrong ones.
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from utils.checks import (  # noqa: E402
    check_bilinear_upsampler,
    check_calls,
    check_transpose_by_hand,
    check_transpose_layer,
    check_upsampling_settings,
)


def stamp(x, kernel, stride, flip=False):
    kernel = kernel.flip(0, 1) if flip else kernel
    (h, w), (kh, kw) = x.shape, kernel.shape
    out = torch.zeros((h - 1) * stride + kh, (w - 1) * stride + kw)
    for i in range(h):
        for j in range(w):
            out[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * kernel
    return out


def test_check_transpose_by_hand_wants_stamps_without_convolution_functions(capsys):
    assert check_transpose_by_hand(stamp) and "correct" in verdict(capsys)
    assert not check_transpose_by_hand(lambda x, k, s: stamp(x, k, s, flip=True))
    assert "wrong values" in verdict(capsys)
    assert not check_transpose_by_hand(lambda x, k, s: stamp(x, k, 1)) and "has shape" in verdict(capsys)

    def library(x, k, s):
        return F.conv_transpose2d(x[None, None], k[None, None], stride=s)[0, 0]

    assert not check_transpose_by_hand(library) and "calls F.conv_transpose2d" in verdict(capsys)

    def zero_insertion(x, k, s):
        stretched = torch.zeros((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1)
        stretched[::s, ::s] = x
        padded = F.pad(stretched, (k.shape[1] - 1,) * 2 + (k.shape[0] - 1,) * 2)
        return F.conv2d(padded[None, None], k.flip(0, 1)[None, None])[0, 0]

    assert not check_transpose_by_hand(zero_insertion) and "calls F.conv2d" in verdict(capsys)
    assert not check_transpose_by_hand(lambda x, k, s: None) and "no answer yet" in verdict(capsys)
    assert F.conv2d is torch.conv2d and F.conv_transpose2d is torch.conv_transpose2d  # restored


def test_check_calls_wants_exactly_one_call_of_the_named_function(capsys):
    kernel = torch.randn(1, 1, 3, 3)
    ys = [torch.randn(1, 1, 4, 4) for _ in range(2)]
    cases = [((y,), F.conv_transpose2d(y, kernel, stride=2, padding=1, output_padding=1)) for y in ys]

    def right(y):
        return F.conv_transpose2d(y, kernel, stride=2, padding=1, output_padding=1)

    assert check_calls(right, cases, once="conv_transpose2d") and "correct" in verdict(capsys)
    assert check_calls(lambda y: nn.functional.conv_transpose2d(y, kernel, stride=2, padding=1,
                                                                 output_padding=1),
                       cases, name="f", once="conv_transpose2d")
    assert "correct" in verdict(capsys)
    by_matrix = [c[1] for c in cases]
    assert not check_calls(lambda y: by_matrix[0] if y is ys[0] else by_matrix[1], cases,
                           name="f", once="conv_transpose2d")
    assert "calls F.conv_transpose2d 0 times" in verdict(capsys)
    assert not check_calls(lambda y: right(y) + 0 * right(y), cases, name="f", once="conv_transpose2d")
    assert "2 times" in verdict(capsys)
    assert not check_calls(lambda y: F.conv_transpose2d(y, kernel, stride=2, padding=1), cases,
                           name="f", once="conv_transpose2d")
    assert "has shape (1, 1, 7, 7)" in verdict(capsys)
    images = torch.rand(2, 1, 8, 8)
    box = [((images,), F.avg_pool2d(images, 3, stride=1, padding=1))]
    assert not check_calls(lambda x: F.avg_pool2d(x, 3, stride=1, padding=1), box, name="box", once="conv2d")
    assert "calls F.conv2d 0 times" in verdict(capsys)
    assert check_calls(lambda x: F.conv2d(x, torch.full((1, 1, 3, 3), 1 / 9), padding=1), box,
                       name="box", once="conv2d")
    assert "correct" in verdict(capsys)


def right_settings(k, s):
    padding = -((s - k) // 2)  # ceil((k - s) / 2)
    output_padding = 2 * padding - (k - s)
    return (padding, output_padding) if output_padding < s else None


def brute_force_settings(k, s):
    for p, op in itertools.product(range(k), range(s)):
        if (5 - 1) * s - 2 * p + k + op == 5 * s:
            return p, op
    return None


def test_check_upsampling_settings_accepts_any_valid_pair_and_none_only_when_none_exists(capsys):
    assert check_upsampling_settings(right_settings) and "correct" in verdict(capsys)
    assert check_upsampling_settings(brute_force_settings) and "correct" in verdict(capsys)
    assert not check_upsampling_settings(lambda k, s: ((k - s) // 2, 0), name="f")
    assert "ConvTranspose2d(kernel_size=3, stride=2, padding=0, output_padding=0) maps 5 to 11" in verdict(capsys)
    never_none = lambda k, s: (-((s - k) // 2), 2 * -((s - k) // 2) - (k - s))  # noqa: E731
    assert not check_upsampling_settings(never_none, name="f")
    assert "no padding and output_padding give s·h for k=2, s=1: return None" in verdict(capsys)
    assert not check_upsampling_settings(lambda k, s: None, name="f") and "a setting exists" in verdict(capsys)
    assert not check_upsampling_settings(lambda k, s: [1, 0], name="f") and "a pair" in verdict(capsys)
    assert not check_upsampling_settings(lambda k, s: ..., name="f") and "no answer yet" in verdict(capsys)


def test_check_transpose_layer_rejects_other_layers(capsys):
    args = (2, 16, 7, 7), (2, 8, 28, 28)
    assert check_transpose_layer(nn.ConvTranspose2d(16, 8, 4, stride=4), *args, kernel_size=4)
    assert "correct" in verdict(capsys)
    assert check_transpose_layer(nn.ConvTranspose2d(16, 8, 4, stride=5, padding=3), *args, kernel_size=4)
    assert "correct" in verdict(capsys)
    wrong = {
        "kernel_size is (3, 3)": nn.ConvTranspose2d(16, 8, 3, stride=4, output_padding=1),
        "output_padding is (2, 2)": nn.ConvTranspose2d(16, 8, 4, stride=4, padding=1, output_padding=2),
        "got Sequential": nn.Sequential(nn.Upsample(scale_factor=4), nn.Conv2d(16, 8, 3, padding=1)),
        "dimension 1 (got 16)": nn.ConvTranspose2d(16, 16, 4, stride=4),
        "dimension 2 (got 14)": nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1),
        "no answer yet": ...,
    }
    for message, layer in wrong.items():
        assert not check_transpose_layer(layer, *args, kernel_size=4)
        assert message in verdict(capsys)


def bilinear_layer(channels, kernel=None, bias=False, diagonal=True):
    f = torch.tensor([1.0, 3.0, 3.0, 1.0]) / 4
    kernel = torch.outer(f, f) if kernel is None else kernel
    layer = nn.ConvTranspose2d(channels, channels, kernel.shape[-1], stride=2, padding=1,
                               output_padding=kernel.shape[-1] % 2, bias=bias)
    with torch.no_grad():
        mask = torch.eye(channels) if diagonal else torch.ones(channels, channels)
        layer.weight.copy_(mask[:, :, None, None] * kernel)
    return layer


def test_check_bilinear_upsampler(capsys):
    assert check_bilinear_upsampler(bilinear_layer(3), channels=3) and "correct" in verdict(capsys)
    f = torch.tensor([1.0, 3.0, 3.0, 1.0])
    wrong = {
        "bias must be zero": bilinear_layer(3, bias=True),
        "reaches other output channels": bilinear_layer(3, diagonal=False),
        "check the kernel's values": bilinear_layer(3, kernel=torch.outer(f, f)),
        "differs from bilinear": bilinear_layer(3, kernel=torch.tensor([[0.25, 0.5, 0.25]]).T
                                                @ torch.tensor([[0.5, 1.0, 0.5]])),
        "got Upsample": nn.Upsample(scale_factor=2, mode="bilinear"),
        "maps 3 channels to 1": nn.ConvTranspose2d(3, 1, 4, stride=2, padding=1),
        "not (12, 12)": nn.ConvTranspose2d(3, 3, 4, stride=2),
        "no answer yet": None,
    }
    for message, layer in wrong.items():
        assert not check_bilinear_upsampler(layer, channels=3)
        assert message in verdict(capsys)


def test_a_verdict_is_truthy_when_right_and_shows_nothing_in_jupyter(tmp_path):
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    from utils.checks import Verdict

    assert Verdict(True) and not Verdict(False) and Verdict(True) == True  # noqa: E712
    assert Verdict(False) == Verdict(False) and Verdict(False) != Verdict(True)
    nb = new_notebook(cells=[new_code_cell("from utils.checks import check_number\ncheck_number(1.0, 1.0)"),
                             new_code_cell("check_number(2.0, 1.0)")])
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:  # the printed verdict, and no `True`/`False` after it
        assert [o.output_type for o in cell.outputs] == ["stream"], cell.outputs


def test_an_unanswered_stub_is_pending_not_failed(capsys):
    from utils.checks import FAIL, PENDING

    def stub(h):
        ...  # the student's body goes here

    def unfinished(h):
        raise NotImplementedError

    for answer in (..., None):
        assert not check_number(answer, 1.0)
    assert not check_function(stub, [((1,), 2)]) and not check_function(unfinished, [((1,), 2)])
    assert not check_function(..., [((1,), 2)])
    out = capsys.readouterr().out
    assert out.count(PENDING) == 5 and FAIL not in out, out


def test_check_function_reports_a_crash_instead_of_raising(capsys):
    def buggy(h):
        return h / 0

    assert not check_function(buggy, [((1,), 2)])
    assert "buggy(1) raised ZeroDivisionError" in capsys.readouterr().out
