"""utils.checks.convolution: each check accepts a right answer and rejects the plausible wrong ones.

Also chapter 4's exercise 4.1 (the code size of a convolutional encoder, checked with ``check_number``).
"""

import itertools

import nbformat
import pytest
import torch
import torch.nn.functional as F
from conftest import ROOT
from torch import nn

from coursetools.notebooks import cell_tags
from utils.checks.answers import check_number
from utils.checks.convolution import (
    check_bilinear_upsampler,
    check_box_filter,
    check_layer_sizes,
    check_output_padding,
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


def test_check_transpose_by_hand_wants_stamps_without_convolution_functions(verdict):
    assert check_transpose_by_hand(stamp) and "correct" in verdict()
    assert not check_transpose_by_hand(lambda x, k, s: stamp(x, k, s, flip=True))
    assert "wrong values" in verdict()
    assert not check_transpose_by_hand(lambda x, k, s: stamp(x, k, 1)) and "has shape" in verdict()

    def library(x, k, s):
        return F.conv_transpose2d(x[None, None], k[None, None], stride=s)[0, 0]

    assert not check_transpose_by_hand(library) and "calls F.conv_transpose2d" in verdict()

    def zero_insertion(x, k, s):
        stretched = torch.zeros((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1)
        stretched[::s, ::s] = x
        padded = F.pad(stretched, (k.shape[1] - 1,) * 2 + (k.shape[0] - 1,) * 2)
        return F.conv2d(padded[None, None], k.flip(0, 1)[None, None])[0, 0]

    assert not check_transpose_by_hand(zero_insertion) and "calls F.conv2d" in verdict()
    assert not check_transpose_by_hand(lambda x, k, s: None) and "no answer yet" in verdict()
    assert F.conv2d is torch.conv2d and F.conv_transpose2d is torch.conv_transpose2d  # restored


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


# Chapter 4: the box filter and exercise 4.1, checked against the chapter's cells.

NOTEBOOK = ROOT / "notebooks" / "04_denoising_autoencoder.ipynb"


def read_chapter():
    """Chapter 4 as stored: the tests below check its cells."""
    return nbformat.read(NOTEBOOK, as_version=4)


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
