"""utils.checks, chapter 6: the layer-size and discriminator-loss checks."""

import torch
import torch.nn.functional as F
from torch import nn

from utils.checks import check_discriminator_loss, check_layer_sizes


def verdict(capsys):
    return capsys.readouterr().out.strip()


def small_generator():
    return nn.Sequential(nn.ConvTranspose2d(4, 8, 4, 1, 0), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.ConvTranspose2d(8, 3, 4, 2, 1))


def test_check_layer_sizes_right_and_wrong(capsys):
    model, z = small_generator().train(), torch.randn(2, 4, 1, 1)
    assert check_layer_sizes([4, 8], model, z) and verdict(capsys) == "✅ layer sizes: correct."
    assert model.training, "the check must leave the model in the mode it found it"
    assert check_layer_sizes(torch.tensor([4, 8]), model, z) and "correct" in verdict(capsys)
    assert not check_layer_sizes([4, 7], model, z)
    message = verdict(capsys)
    assert "entry 1 (the output of ConvTranspose2d number 2) is wrong" in message and "8" not in message
    assert not check_layer_sizes([4], model, z) and "has 2 ConvTranspose2d layers; you gave 1" in verdict(capsys)
    assert not check_layer_sizes(..., model, z) and "no answer yet" in verdict(capsys)
    assert not check_layer_sizes([4.0, 8.0], model, z) and "whole numbers" in verdict(capsys)
    assert not check_layer_sizes("48", model, z) and "whole numbers" in verdict(capsys)
    assert not model[0]._forward_hooks, "the check must remove its hooks"


def test_check_layer_sizes_for_convolutions(capsys):
    model = nn.Sequential(nn.Conv2d(3, 4, 4, 2, 1), nn.Conv2d(4, 1, 4, 1, 0)).eval()
    x = torch.randn(1, 3, 8, 8)
    assert check_layer_sizes([4, 1], model, x, layer_type=nn.Conv2d, name="D") and "✅ D" in verdict(capsys)
    assert not model.training


def stable(real, fake):
    return -F.logsigmoid(real).mean() - F.logsigmoid(-fake).mean()


def test_check_discriminator_loss_accepts_a_stable_loss(capsys):
    assert check_discriminator_loss(stable) and verdict(capsys) == "✅ discriminator_loss: correct."


def test_check_discriminator_loss_explains_what_is_wrong(capsys):
    def unanswered(real, fake):
        ...

    assert not check_discriminator_loss(unanswered) and "no answer yet" in verdict(capsys)
    naive = lambda r, f: -torch.log(torch.sigmoid(r)).mean() - torch.log(1 - torch.sigmoid(f)).mean()
    assert not check_discriminator_loss(naive) and "not finite" in verdict(capsys)
    clamped = lambda r, f: (-torch.log(torch.sigmoid(r).clamp(1e-7, 1 - 1e-7)).mean()
                            - torch.log((1 - torch.sigmoid(f)).clamp(1e-7, 1)).mean())
    assert not check_discriminator_loss(clamped) and "very confident logits" in verdict(capsys)
    swapped = lambda r, f: stable(f, r)
    assert not check_discriminator_loss(swapped) and "ordinary logits" in verdict(capsys)
    pooled = lambda r, f: torch.cat([-F.logsigmoid(r), -F.logsigmoid(-f)]).mean() * 2
    assert not check_discriminator_loss(pooled) and "each term is a mean over its own batch" in verdict(capsys)
    assert not check_discriminator_loss(lambda r, f: 1.0) and "one number as a tensor" in verdict(capsys)
    assert not check_discriminator_loss(lambda r, f: stable(r, f) * torch.ones(2)) and "one number" in verdict(capsys)
