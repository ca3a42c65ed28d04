"""utils.checks.gans: the discriminator and saturating losses (stable, by hand), the 5×5 layers, resize-convolution."""

import torch
import torch.nn.functional as F

from utils.checks.gans import (
    check_discriminator_loss,
    check_doubling_layers,
    check_resize_up,
    check_saturating_loss,
)


def stable(real, fake):
    return -F.logsigmoid(real).mean() - F.logsigmoid(-fake).mean()


def test_check_discriminator_loss_accepts_a_stable_loss(verdict):
    assert check_discriminator_loss(stable) and verdict() == "✅ discriminator_loss: correct."


def test_check_discriminator_loss_explains_what_is_wrong(verdict):
    def unanswered(real, fake):
        ...

    assert not check_discriminator_loss(unanswered) and "no answer yet" in verdict()
    naive = lambda r, f: -torch.log(torch.sigmoid(r)).mean() - torch.log(1 - torch.sigmoid(f)).mean()
    assert not check_discriminator_loss(naive) and "not finite" in verdict()
    clamped = lambda r, f: (-torch.log(torch.sigmoid(r).clamp(1e-7, 1 - 1e-7)).mean()
                            - torch.log((1 - torch.sigmoid(f)).clamp(1e-7, 1)).mean())
    assert not check_discriminator_loss(clamped) and "very confident logits" in verdict()
    swapped = lambda r, f: stable(f, r)
    assert not check_discriminator_loss(swapped) and "ordinary logits" in verdict()
    pooled = lambda r, f: torch.cat([-F.logsigmoid(r), -F.logsigmoid(-f)]).mean() * 2
    assert not check_discriminator_loss(pooled) and "each term is a mean over its own batch" in verdict()
    assert not check_discriminator_loss(lambda r, f: 1.0) and "one number as a tensor" in verdict()
    assert not check_discriminator_loss(lambda r, f: stable(r, f) * torch.ones(2)) and "one number" in verdict()


def test_check_discriminator_loss_refuses_the_library_loss(verdict):
    library = lambda r, f: (F.binary_cross_entropy_with_logits(r, torch.ones_like(r))
                            + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)))
    assert not check_discriminator_loss(library) and "asks you to do without" in verdict()
    module = torch.nn.BCEWithLogitsLoss()
    wrapped = lambda r, f: module(r, torch.ones_like(r)) + module(f, torch.zeros_like(f))
    assert not check_discriminator_loss(wrapped) and "asks you to do without" in verdict()
    assert F.binary_cross_entropy_with_logits(torch.zeros(1), torch.ones(1)) > 0  # restored afterwards


def test_check_saturating_loss_accepts_the_minimax_term_and_names_the_usual_slips(verdict):
    assert check_saturating_loss(lambda x: F.logsigmoid(-x).mean()) and "correct" in verdict()
    assert not check_saturating_loss(lambda x: ...) and verdict().startswith("⏳")
    assert not check_saturating_loss(lambda x: -F.logsigmoid(x).mean()) and "non-saturating" in verdict()
    assert not check_saturating_loss(lambda x: -F.logsigmoid(-x).mean()) and "sign is flipped" in verdict()
    naive = lambda x: torch.log(1 - torch.sigmoid(x)).mean()
    assert not check_saturating_loss(naive) and "not finite" in verdict()
    assert not check_saturating_loss(lambda x: F.logsigmoid(-x).sum()) and "wrong value" in verdict()
    assert not check_saturating_loss(lambda x: 0.5) and "one number as a tensor" in verdict()


def authors(output_padding=1, kernel=5, padding=2, stride=2):
    return torch.nn.Sequential(*[torch.nn.ConvTranspose2d(1, 1, kernel, stride=stride, padding=padding,
                                                          output_padding=output_padding) for _ in range(4)])


def test_check_doubling_layers_runs_the_layers(verdict):
    assert check_doubling_layers(authors()) and "correct" in verdict()
    assert not check_doubling_layers(...) and verdict().startswith("⏳")
    assert not check_doubling_layers(authors(output_padding=0)) and "layer 1 gives 7×7, not 8×8" in verdict()
    assert not check_doubling_layers(authors(kernel=4, padding=1, output_padding=0)) and "kernel size 5" in verdict()
    assert not check_doubling_layers([4, 8]) and "nn.ConvTranspose2d" in verdict()


def nearest(c_in, c_out, kernel=3, mode="nearest", norm=True):
    layers = [torch.nn.Upsample(scale_factor=2, mode=mode), torch.nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2,
                                                                            bias=False)]
    return torch.nn.Sequential(*layers, *([torch.nn.BatchNorm2d(c_out)] if norm else []), torch.nn.ReLU())


def transposed(c_in, c_out):
    return torch.nn.Sequential(torch.nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1, bias=False),
                               torch.nn.BatchNorm2d(c_out), torch.nn.ReLU())


def shuffled(c_in, c_out):
    return torch.nn.Sequential(torch.nn.Conv2d(c_in, 4 * c_out, 3, padding=1, bias=False), torch.nn.PixelShuffle(2),
                               torch.nn.BatchNorm2d(c_out), torch.nn.ReLU())


def test_check_resize_up_accepts_resize_convolution_only(verdict):
    assert check_resize_up(nearest) and "correct" in verdict()
    assert not check_resize_up(lambda c_in, c_out: ...) and verdict().startswith("⏳")
    assert not check_resize_up(transposed) and "constant interior" in verdict()
    assert not check_resize_up(shuffled) and "constant interior" in verdict()
    assert not check_resize_up(lambda a, b: nearest(a, b, mode="bilinear")) and "6×6 output pixels" in verdict()
    assert not check_resize_up(lambda a, b: nearest(a, b, kernel=5)) and "6×6 output pixels" in verdict()
    assert not check_resize_up(lambda a, b: nearest(a, b, norm=False)) and "batch norm" in verdict()
    assert not check_resize_up(lambda a, b: nearest(a, b // 2)) and "not (2, 256, 8, 8)" in verdict()
    assert not check_resize_up(lambda a, b: "block") and "nn.Module" in verdict()
