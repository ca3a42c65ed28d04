"""Checks of GAN answers (chapter 6): the discriminator's and the saturating generator's losses, computed
stably from logits and by hand; the DCGAN authors' 5×5 up-sampling layers; a resize-convolution block."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from utils.checks.functions import _counting_calls
from utils.checks.verdicts import NO_ANSWER, Verdict, _unanswered, _verdict

_BCE = "binary_cross_entropy_with_logits"


def check_discriminator_loss(func: Callable, name: str = "discriminator_loss") -> Verdict:
    """Check ``func(real_logits, fake_logits)`` = −mean log σ(real) − mean log(1 − σ(fake)), also for very
    confident logits (±40), where a naive log of a sigmoid gives inf; written by hand, without
    ``F.binary_cross_entropy_with_logits`` (or ``nn.BCEWithLogitsLoss``, which calls it) (chapter 6)."""
    from torch.nn.functional import binary_cross_entropy_with_logits as bce

    g = torch.Generator().manual_seed(0)
    ordinary = [(torch.randn(8, generator=g), torch.randn(8, generator=g)),
                (3 * torch.randn(5, generator=g) + 1, 3 * torch.randn(7, generator=g) - 2)]
    confident = (torch.tensor([40.0, -40.0, 3.0]), torch.tensor([40.0, -40.0, -3.0]))
    for i, (real, fake) in enumerate([*ordinary, confident]):
        want = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
        with _counting_calls([_BCE]) as calls:
            got = func(real.clone(), fake.clone())
        if i == 0 and _unanswered(got):
            return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your code.")
        if calls[_BCE]:
            return _verdict(False, name, "it calls F.binary_cross_entropy_with_logits, which this exercise asks "
                                         "you to do without: write the two terms with F.logsigmoid.")
        if not torch.is_tensor(got) or got.numel() != 1:
            return _verdict(False, name, "return one number as a tensor (the mean over each batch, summed).")
        if i == 2 and not torch.isfinite(got).all():
            return _verdict(False, name, "the loss is not finite when the discriminator is very sure (logits of "
                                         "±40): compute log σ(x) as F.logsigmoid(x) and log(1 − σ(x)) as "
                                         "F.logsigmoid(−x).")
        if not torch.isclose(got.detach().double().reshape(()), want.double(), rtol=1e-4, atol=1e-4):
            which = "very confident logits (±40)" if i == 2 else "ordinary logits"
            return _verdict(False, name, f"wrong value for {which}: check the signs, which batch is labelled "
                                         "real, and that each term is a mean over its own batch.")
    return _verdict(True, name)


def check_saturating_loss(func: Callable, name: str = "saturating_generator_loss") -> Verdict:
    """Check ``func(fake_logits)`` = mean log(1 − σ(ℓ)), the minimax generator's loss (it minimises it), finite
    for very confident logits (±40); the non-saturating −log σ(ℓ) and sign slips are named (chapter 6)."""
    g = torch.Generator().manual_seed(1)
    cases = [torch.randn(9, generator=g), 4 * torch.randn(6, generator=g) - 3, torch.tensor([-40.0, 0.0, 40.0])]
    for i, logits in enumerate(cases):
        got = func(logits.clone())
        if i == 0 and _unanswered(got):
            return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your code.")
        if not torch.is_tensor(got) or got.numel() != 1:
            return _verdict(False, name, "return one number as a tensor: the mean over the batch.")
        got = got.detach().double().reshape(())
        if not torch.isfinite(got):
            return _verdict(False, name, "not finite for logits of ±40: log(1 − σ(ℓ)) is F.logsigmoid(−ℓ).")
        want = torch.nn.functional.logsigmoid(-logits.double()).mean()
        if torch.isclose(got, want, rtol=1e-4, atol=1e-4):
            continue
        if torch.isclose(got, -torch.nn.functional.logsigmoid(logits.double()).mean(), rtol=1e-4, atol=1e-4):
            return _verdict(False, name, "that is the non-saturating loss −log D(G(z)), the one the chapter "
                                         "trains with; this exercise asks for the minimax game's own term.")
        if torch.isclose(got, -want, rtol=1e-4, atol=1e-4):
            return _verdict(False, name, "the sign is flipped: the generator *minimises* log(1 − D(G(z))), "
                                         "a number that is negative.")
        return _verdict(False, name, "wrong value: the loss is the mean over the batch of log(1 − σ(ℓ)).")
    return _verdict(True, name)


def check_doubling_layers(layers, kernel_size: int = 5, start: int = 4, name: str = "authors_layers") -> Verdict:
    """Check a stack of ``nn.ConvTranspose2d`` layers with ``kernel_size`` and stride 2 that doubles the height
    and width at every layer, from ``start`` (4×4 to 64×64 for four layers; chapter 6)."""
    if _unanswered(layers):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your layers.")
    convs = [m for m in layers.modules() if isinstance(m, nn.ConvTranspose2d)] if isinstance(
        layers, nn.Module) else []
    if not convs:
        return _verdict(False, name, "expected an nn.Module (e.g. nn.Sequential) of nn.ConvTranspose2d layers.")
    if any(c.kernel_size != (kernel_size,) * 2 or c.stride != (2, 2) for c in convs):
        return _verdict(False, name, f"every layer should have kernel size {kernel_size} and stride 2.")
    heights, size = [], start
    hooks = [c.register_forward_hook(lambda _m, _i, out: heights.append(out.shape[-1])) for c in convs]
    try:
        with torch.no_grad():
            layers(torch.zeros(1, convs[0].in_channels, start, start))
    except RuntimeError as error:
        return _verdict(False, name, f"running the layers on a {start}×{start} input failed: {error}")
    finally:
        for hook in hooks:
            hook.remove()
    for i, height in enumerate(heights):
        size *= 2
        if height != size:
            return _verdict(False, name, f"layer {i + 1} gives {height}×{height}, not {size}×{size}: check its "
                                         "padding and output padding.")
    return _verdict(True, name)


def check_resize_up(factory: Callable, name: str = "resize_up") -> Verdict:
    """Check ``factory(c_in, c_out)``: nearest-neighbour up-sampling ×2, a 3×3 convolution with padding 1, batch
    norm and ReLU. By behaviour: (2, 512, 4, 4) -> (2, 256, 8, 8); a constant input gives a constant interior
    (a transpose convolution or PixelShuffle gives a grid); an impulse spreads over 4×4 pixels, not the 6×6 of
    bilinear up-sampling or a larger kernel (chapter 6)."""
    block = factory(512, 256)
    if _unanswered(block):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your block.")
    if not isinstance(block, nn.Module):
        return _verdict(False, name, f"expected an nn.Module such as nn.Sequential, got {type(block).__name__}.")
    if not any(isinstance(m, nn.BatchNorm2d) for m in block.modules()):
        return _verdict(False, name, "the block needs batch norm (nn.BatchNorm2d) before its ReLU, like `up`.")
    with torch.no_grad():
        shape = tuple(block(torch.randn(2, 512, 4, 4)).shape)
    if shape != (2, 256, 8, 8):
        return _verdict(False, name, f"a (2, 512, 4, 4) batch gives {shape}, not (2, 256, 8, 8).")
    return _resize_behaviour(factory(3, 4).eval(), name)


def _resize_behaviour(block: nn.Module, name: str) -> Verdict:
    """The constant and impulse tests of ``check_resize_up`` on a small block in evaluation mode."""
    torch.manual_seed(0)
    with torch.no_grad():
        flat = block(torch.ones(1, 3, 8, 8))[0, :, 2:-2, 2:-2]         # the interior, away from padding
        impulse = torch.zeros(1, 3, 8, 8)
        impulse[0, 0, 4, 4] = 1.0
        response = block(impulse)[0].abs() + block(-impulse)[0].abs()  # ReLU hides one sign: use both
    if not torch.allclose(flat, flat[:, :1, :1].expand_as(flat), atol=1e-5):
        return _verdict(False, name, "a constant input gives a grid, not a constant interior: this is not "
                                     "nearest-neighbour up-sampling followed by a convolution.")
    rows, cols = torch.nonzero(response.sum(0) > 1e-6, as_tuple=True)
    height, width = int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
    if (height, width) != (4, 4):
        return _verdict(False, name, f"one input pixel affects {height}×{width} output pixels, not 4×4: use "
                                     "nn.Upsample(scale_factor=2, mode='nearest') and a 3×3 convolution.")
    return _verdict(True, name)
