"""utils.checks.convolution: each check accepts a right answer and rejects the plausible wrong ones.

The box filter of chapter 4 (``check_box_filter``) is tested with chapter 4's other checks, in
test_checks_denoising.py.
"""

import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils.checks.convolution import (
    check_bilinear_upsampler,
    check_flat_gradient_kernel,
    check_layer_sizes,
    check_output_padding,
    check_transpose_by_hand,
    check_transpose_layer,
    check_upsampling_settings,
)
from utils.checks.functions import check_calls


def stamp(x, kernel, stride, padding=0, flip=False, crop_top=None):
    """The scatter form of a transpose convolution, then the crop its padding makes (``crop_top`` rows and
    columns from the top and left, the rest from the bottom and right: a wrong crop when not ``padding``)."""
    kernel = kernel.flip(0, 1) if flip else kernel
    (h, w), (kh, kw) = x.shape, kernel.shape
    out = torch.zeros((h - 1) * stride + kh, (w - 1) * stride + kw)
    for i in range(h):
        for j in range(w):
            out[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * kernel
    top = padding if crop_top is None else crop_top
    bottom = 2 * padding - top
    return out[top:out.shape[0] - bottom, top:out.shape[1] - bottom]


def gather(x, kernel, stride, padding):
    """The gather form: each output pixel sums the kernel taps whose stamp reaches it."""
    (h, w), (kh, kw) = x.shape, kernel.shape
    out = torch.zeros((h - 1) * stride + kh - 2 * padding, (w - 1) * stride + kw - 2 * padding)
    for r, c in itertools.product(range(out.shape[0]), range(out.shape[1])):
        for a, b in itertools.product(range(kh), range(kw)):
            i, j = r + padding - a, c + padding - b
            if i % stride == 0 and j % stride == 0 and 0 <= i // stride < h and 0 <= j // stride < w:
                out[r, c] += x[i // stride, j // stride] * kernel[a, b]
    return out


def test_check_transpose_by_hand_wants_stamps_and_the_crop_without_convolution_functions(verdict):
    assert check_transpose_by_hand(stamp) and "correct" in verdict()
    assert check_transpose_by_hand(gather) and "correct" in verdict()
    assert not check_transpose_by_hand(lambda x, k, s, p: stamp(x, k, s, p, flip=True))
    message = verdict()
    assert "wrong values" in message and "not flipped" in message
    assert not check_transpose_by_hand(lambda x, k, s, p: stamp(x, k, s, p, crop_top=2 * p))
    message = verdict()
    assert "wrong values" in message and "as many rows" in message
    assert not check_transpose_by_hand(lambda x, k, s, p: stamp(x, k, 1, p)) and "has shape" in verdict()
    assert not check_transpose_by_hand(lambda x, k, s, p: stamp(x, k, s))  # padding ignored: uncropped
    assert "has shape (7, 5), not (5, 3)" in verdict()
    padded_like_a_convolution = lambda x, k, s, p: stamp(F.pad(x, (p, p, p, p)), k, s)  # noqa: E731
    assert not check_transpose_by_hand(padded_like_a_convolution) and "has shape" in verdict()

    def library(x, k, s, p):
        return F.conv_transpose2d(x[None, None], k[None, None], stride=s, padding=p)[0, 0]

    assert not check_transpose_by_hand(library) and "calls F.conv_transpose2d" in verdict()

    def zero_insertion(x, k, s, p):
        stretched = torch.zeros((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1)
        stretched[::s, ::s] = x
        padded = F.pad(stretched, (k.shape[1] - 1 - p,) * 2 + (k.shape[0] - 1 - p,) * 2)
        return F.conv2d(padded[None, None], k.flip(0, 1)[None, None])[0, 0]

    assert not check_transpose_by_hand(zero_insertion) and "calls F.conv2d" in verdict()
    assert not check_transpose_by_hand(lambda x, k, s, p: None) and "⏳" in verdict()
    assert not check_transpose_by_hand(...) and "no answer yet" in verdict()
    assert F.conv2d is torch.conv2d and F.conv_transpose2d is torch.conv_transpose2d  # restored


def test_the_wrong_padding_of_exercise_1_6_gets_a_hint_not_the_answer(verdict):
    """Exercise 1.6: Cᵀ of a stride-3, padding-2 convolution on 13×13. Padding 1 without output_padding gives
    the right shape with the wrong values; the hint says so without naming the padding."""
    kernel = torch.tensor([[1.0, 2, 0], [0, 1, 0], [-1, 0, 1]]).view(1, 1, 3, 3)
    n = 13 * 13
    C = F.conv2d(torch.eye(n).view(n, 1, 13, 13), kernel, stride=3, padding=2).view(n, -1).T
    ys = torch.randn(3, 1, 1, 5, 5, generator=torch.Generator().manual_seed(0))
    cases = [((y,), (C.T @ y.flatten()).view(1, 1, 13, 13)) for y in ys]
    hint = "Two settings give a 13×13 output; section 3 checked which one is Cᵀ."

    def upsample(y, stride=3, padding=2, output_padding=2):
        return F.conv_transpose2d(y, kernel, stride=stride, padding=padding, output_padding=output_padding)

    assert check_calls(upsample, cases, once="conv_transpose2d", hint=hint) and "correct" in verdict()
    assert not check_calls(lambda y: upsample(y, padding=1, output_padding=0), cases, name="upsample",
                           once="conv_transpose2d", hint=hint)
    message = verdict()
    assert "right shape but wrong values" in message and hint in message and "padding=" not in message
    assert not check_calls(lambda y: upsample(y, output_padding=0), cases, name="upsample",
                           once="conv_transpose2d", hint=hint)
    assert "has shape (1, 1, 11, 11), not (1, 1, 13, 13)" in verdict()
    flipped = lambda y: F.conv_transpose2d(y, kernel.flip(-1, -2), stride=3, padding=2,  # noqa: E731
                                           output_padding=2)
    assert not check_calls(flipped, cases, name="upsample", once="conv_transpose2d", hint=hint)
    assert "wrong values" in verdict()
    assert not check_calls(lambda y: (C.T @ y.flatten()).view(1, 1, 13, 13), cases, name="upsample",
                           once="conv_transpose2d", hint=hint)
    assert "0 times" in verdict()


def nearest_flat(w):
    """The right answer: each quarter moved by the same amount, to the mean of the four quarter sums."""
    w = w.clone()
    sums = [w[a::2, b::2].sum() for a in (0, 1) for b in (0, 1)]
    mean = sum(sums) / 4
    for (a, b), total in zip(itertools.product((0, 1), repeat=2), sums):
        w[a::2, b::2] -= (total - mean) / w[a::2, b::2].numel()
    return w


def test_check_flat_gradient_kernel_accepts_the_nearest_flat_kernel(verdict):
    assert check_flat_gradient_kernel(nearest_flat) and "✅" in verdict()
    assert check_flat_gradient_kernel(lambda w: nearest_flat(w).double(), name="f") and "correct" in verdict()

    def in_place(w):
        w -= w - nearest_flat(w)
        return w

    assert check_flat_gradient_kernel(in_place, name="f") and "correct" in verdict()


def quadrants_equalised(w):
    """A plausible mistake: the four contiguous k/2 × k/2 blocks, not the four parity classes."""
    w, h = w.clone(), w.shape[0] // 2
    blocks = [(slice(0, h), slice(0, h)), (slice(0, h), slice(h, None)), (slice(h, None), slice(0, h)),
              (slice(h, None), slice(h, None))]
    sums = [w[b].sum() for b in blocks]
    for b, total in zip(blocks, sums):
        w[b] -= (total - sum(sums) / 4) / w[b].numel()
    return w


def always_divided_by_four(w):
    """A plausible mistake: the 4×4 answer (four entries per quarter) used for every kernel size."""
    w = w.clone()
    sums = [w[a::2, b::2].sum() for a in (0, 1) for b in (0, 1)]
    for (a, b), total in zip(itertools.product((0, 1), repeat=2), sums):
        w[a::2, b::2] -= (total - sum(sums) / 4) / 4
    return w


def zero_quarter_sums(w):
    """Flat, but not the nearest: every quarter sum moved to 0 instead of to their mean."""
    w = w.clone()
    for a, b in itertools.product((0, 1), repeat=2):
        w[a::2, b::2] -= w[a::2, b::2].mean()
    return w


@pytest.mark.parametrize("wrong, message", [
    (lambda w: w, "still has a period-2 pattern"),
    (lambda w: w - w.mean(), "still has a period-2 pattern"),
    (quadrants_equalised, "still has a period-2 pattern"),
    (always_divided_by_four, "for a 6×6 kernel"),
    (zero_quarter_sums, "the smallest change that flattens it is"),
    (lambda w: torch.zeros_like(w), "the smallest change that flattens it is"),
    (lambda w: torch.full_like(w, w.mean().item()), "the smallest change that flattens it is"),
    (lambda w: w[:2, :2], "return a 4×4 tensor"),
    (lambda w: w.tolist(), "returned list"),
    (lambda w: nearest_flat(w) * (float("inf") if w.shape[0] == 6 else 1), "6×6 kernel it returned a kernel with inf"),
])
def test_check_flat_gradient_kernel_rejects_plausible_wrong_answers(verdict, wrong, message):
    assert not check_flat_gradient_kernel(wrong, name="f")
    assert message in verdict()


def test_check_flat_gradient_kernel_unanswered_and_crashing(verdict):
    assert not check_flat_gradient_kernel(...) and "⏳ function: no answer yet" in verdict()

    def stub(w):
        ...

    assert not check_flat_gradient_kernel(stub) and "⏳ stub: no answer yet" in verdict()

    def crashes(w):
        return w @ torch.ones(3)

    assert not check_flat_gradient_kernel(crashes) and "raised RuntimeError" in verdict()


def right_settings(k, s):
    padding = -((s - k) // 2)  # ceil((k - s) / 2)
    output_padding = 2 * padding - (k - s)
    return (padding, output_padding) if output_padding < s else None


def brute_force_settings(k, s):
    for p, op in itertools.product(range(k), range(s)):
        if (5 - 1) * s - 2 * p + k + op == 5 * s:
            return p, op
    return None


def test_check_upsampling_settings_accepts_any_valid_pair_and_none_only_when_none_exists(verdict):
    assert check_upsampling_settings(right_settings) and "correct" in verdict()
    assert check_upsampling_settings(brute_force_settings) and "correct" in verdict()
    assert not check_upsampling_settings(lambda k, s: ((k - s) // 2, 0), name="f")
    assert "ConvTranspose2d(kernel_size=3, stride=2, padding=0, output_padding=0) maps 5 to 11" in verdict()
    never_none = lambda k, s: (-((s - k) // 2), 2 * -((s - k) // 2) - (k - s))  # noqa: E731
    assert not check_upsampling_settings(never_none, name="f")
    assert "no padding and output_padding give s·h for k=2, s=1: return None" in verdict()
    assert not check_upsampling_settings(lambda k, s: None, name="f") and "a setting exists" in verdict()
    assert not check_upsampling_settings(lambda k, s: [1, 0], name="f") and "a pair" in verdict()
    assert not check_upsampling_settings(lambda k, s: ..., name="f") and "no answer yet" in verdict()


def test_check_transpose_layer_rejects_other_layers(verdict):
    args = (2, 16, 7, 7), (2, 8, 28, 28)
    assert check_transpose_layer(nn.ConvTranspose2d(16, 8, 4, stride=4), *args, kernel_size=4)
    assert "correct" in verdict()
    assert check_transpose_layer(nn.ConvTranspose2d(16, 8, 4, stride=5, padding=3), *args, kernel_size=4)
    assert "correct" in verdict()
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
        assert message in verdict()


def bilinear_layer(channels, kernel=None, bias=False, diagonal=True):
    f = torch.tensor([1.0, 3.0, 3.0, 1.0]) / 4
    kernel = torch.outer(f, f) if kernel is None else kernel
    layer = nn.ConvTranspose2d(channels, channels, kernel.shape[-1], stride=2, padding=1,
                               output_padding=kernel.shape[-1] % 2, bias=bias)
    with torch.no_grad():
        mask = torch.eye(channels) if diagonal else torch.ones(channels, channels)
        layer.weight.copy_(mask[:, :, None, None] * kernel)
    return layer


def test_check_bilinear_upsampler(verdict):
    assert check_bilinear_upsampler(bilinear_layer(3), channels=3) and "correct" in verdict()
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
        assert message in verdict()


def right_output_padding(h_in, h_out, kernel, stride, padding):
    output_padding = h_out - ((h_in - 1) * stride - 2 * padding + kernel)
    return output_padding if 0 <= output_padding < stride else None


def test_check_output_padding_accepts_the_rule(capsys):
    assert check_output_padding(right_output_padding)
    assert "✅ right_output_padding: correct." in capsys.readouterr().out


def test_check_output_padding_rejects_wrong_and_missing_answers(capsys):
    forgets_impossible = lambda h_in, h_out, k, s, p: h_out - ((h_in - 1) * s - 2 * p + k)
    assert not check_output_padding(forgets_impossible, name="op")
    assert "❌ op: op(7, 15, 3, 2, 1) returned 2" in capsys.readouterr().out
    def stub(h_in, h_out, kernel, stride, padding): ...
    assert not check_output_padding(stub)
    assert "no answer yet" in capsys.readouterr().out
    assert not check_output_padding(...)
    assert "no answer yet" in capsys.readouterr().out


def small_generator():
    return nn.Sequential(nn.ConvTranspose2d(4, 8, 4, 1, 0), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.ConvTranspose2d(8, 3, 4, 2, 1))


def test_check_layer_sizes_right_and_wrong(verdict):
    model, z = small_generator().train(), torch.randn(2, 4, 1, 1)
    assert check_layer_sizes([4, 8], model, z) and verdict() == "✅ layer sizes: correct."
    assert model.training, "the check must leave the model in the mode it found it"
    assert check_layer_sizes(torch.tensor([4, 8]), model, z) and "correct" in verdict()
    assert not check_layer_sizes([4, 7], model, z)
    message = verdict()
    assert "entry 1 (the output of ConvTranspose2d number 2) is wrong" in message and "8" not in message
    assert not check_layer_sizes([4], model, z) and "has 2 ConvTranspose2d layers; you gave 1" in verdict()
    assert not check_layer_sizes(..., model, z) and "no answer yet" in verdict()
    assert not check_layer_sizes([4.0, 8.0], model, z) and "whole numbers" in verdict()
    assert not check_layer_sizes("48", model, z) and "whole numbers" in verdict()
    assert not model[0]._forward_hooks, "the check must remove its hooks"


def test_check_layer_sizes_for_convolutions(verdict):
    model = nn.Sequential(nn.Conv2d(3, 4, 4, 2, 1), nn.Conv2d(4, 1, 4, 1, 0)).eval()
    x = torch.randn(1, 3, 8, 8)
    assert check_layer_sizes([4, 1], model, x, layer_type=nn.Conv2d, name="D") and "✅ D" in verdict()
    assert not model.training
