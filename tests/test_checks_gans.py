"""utils.checks.gans: the discriminator-loss check, also for very confident logits."""

import torch
import torch.nn.functional as F

from utils.checks.gans import check_discriminator_loss


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
