"""Checks of GAN answers: the discriminator's loss, computed stably from logits."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checks.verdicts import Verdict, _unanswered, _verdict


def check_discriminator_loss(func: Callable, name: str = "discriminator_loss") -> Verdict:
    """Check ``func(real_logits, fake_logits)`` = −mean log σ(real) − mean log(1 − σ(fake)), also for
    very confident logits (±40), where a naive log of a sigmoid gives inf (chapter 6)."""
    from torch.nn.functional import binary_cross_entropy_with_logits as bce

    g = torch.Generator().manual_seed(0)
    ordinary = [(torch.randn(8, generator=g), torch.randn(8, generator=g)),
                (3 * torch.randn(5, generator=g) + 1, 3 * torch.randn(7, generator=g) - 2)]
    confident = (torch.tensor([40.0, -40.0, 3.0]), torch.tensor([40.0, -40.0, -3.0]))
    for i, (real, fake) in enumerate([*ordinary, confident]):
        got = func(real.clone(), fake.clone())
        if i == 0 and _unanswered(got):
            return _verdict(False, name, "no answer yet: replace the `...` with your code.")
        if not torch.is_tensor(got) or got.numel() != 1:
            return _verdict(False, name, "return one number as a tensor (the mean over each batch, summed).")
        want = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
        if i == 2 and not torch.isfinite(got).all():
            return _verdict(False, name, "the loss is not finite when the discriminator is very sure (logits of "
                                         "±40): compute log σ(x) as F.logsigmoid(x) and log(1 − σ(x)) as "
                                         "F.logsigmoid(−x).")
        if not torch.isclose(got.detach().double().reshape(()), want.double(), rtol=1e-4, atol=1e-4):
            which = "very confident logits (±40)" if i == 2 else "ordinary logits"
            return _verdict(False, name, f"wrong value for {which}: check the signs, which batch is labelled "
                                         "real, and that each term is a mean over its own batch.")
    return _verdict(True, name)
