"""Checks of autoencoder answers: the error of the best low-rank (PCA) reconstruction, the number of
principal components a quality needs, spherical interpolation between codes, the half-grey ink along a
cross-fade, the least-MSE image."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checks.answers import check_number
from utils.checks.verdicts import NO_ANSWER, Verdict, _unanswered, _verdict
from utils.sample_quality import half_grey_masks, half_grey_per_image


def check_low_rank_mse(answer, data: torch.Tensor, rank: int, name: str = "mse", rel_tol: float = 1e-3) -> Verdict:
    """Check the mean squared error (over all entries) of the best rank-``rank`` affine reconstruction of
    the rows of ``data`` (N, D), i.e. PCA with ``rank`` components (chapter 2)."""
    data = torch.as_tensor(data).detach().cpu().double()
    if data.dim() != 2 or not 0 <= rank <= data.shape[1]:
        raise ValueError(f"Expected data shaped (N, D) and 0 <= rank <= D, got {tuple(data.shape)} and {rank}.")
    variances = torch.linalg.eigvalsh(torch.cov(data.T, correction=0).reshape(data.shape[1], data.shape[1]))
    expected = variances[: data.shape[1] - rank].clamp(min=0).sum().item() / data.shape[1]
    return check_number(answer, expected, name=name, rel_tol=rel_tol)


def check_pca_components(answer, train: torch.Tensor, test: torch.Tensor, target_psnr_db: float,
                         name: str = "components") -> Verdict:
    """Check the smallest number k of principal components, fitted on ``train``, whose reconstruction
    of ``test`` (pixels in [0, 1]) reaches ``target_psnr_db``; says too high or too low (chapter 2)."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your number.")
    if isinstance(answer, bool) or not isinstance(answer, int):
        return _verdict(False, name, f"expected a whole number of components, got {type(answer).__name__}.")
    flat = train.detach().flatten(1).double().cpu()
    mean = flat.mean(0)
    _, directions = torch.linalg.eigh(torch.cov(flat.T, correction=0).reshape(flat.shape[1], -1))
    centred = test.detach().flatten(1).double().cpu() - mean
    left = centred.pow(2).sum() - (centred @ directions.flip(1)).pow(2).sum(0).cumsum(0)
    reached = (10 * torch.log10(centred.numel() / left.clamp(min=1e-12)) >= target_psnr_db).nonzero()
    expected = int(reached[0]) + 1 if len(reached) else flat.shape[1]
    if answer == expected:
        return _verdict(True, name)
    return _verdict(False, name, f"{answer} is too {'high' if answer > expected else 'low'}: fit PCA on the "
                                 "training images and count the components, the first one as 1.")


def check_slerp(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(a, b, steps)``: spherical interpolation from code ``a`` (t=0) to ``b`` (t=1) in ``steps``
    equal angle steps, stacked into (steps, *a.shape) (chapter 3)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, "no answer yet: replace the `...` with your function.")
    generator = torch.Generator().manual_seed(3)
    for case, (shape, steps) in enumerate([((4,), 5), ((64, 1, 1), 9)]):
        a, b = torch.randn(shape, generator=generator), 2 * torch.randn(shape, generator=generator)
        try:
            result = func(a, b, steps)
        except NotImplementedError:
            result = None
        if case == 0 and _unanswered(result):  # the stub's body is still `...`
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing yet; write its body.")
        if not torch.is_tensor(result) or tuple(result.shape) != (steps, *shape):
            got = tuple(result.shape) if torch.is_tensor(result) else type(result).__name__
            return _verdict(False, name, f"for a, b shaped {shape} and steps={steps}, expected a tensor shaped "
                                         f"{(steps, *shape)}, got {got}.")
        if not (torch.allclose(result[0], a, atol=1e-4) and torch.allclose(result[-1], b, atol=1e-4)):
            return _verdict(False, name, "the path must start at a (t=0) and end at b (t=1).")
        if not torch.allclose(result, _slerp_reference(a, b, steps), atol=1e-4):
            return _verdict(False, name, "the end points are right, but the points between do not follow the "
                                         "slerp formula at equally spaced t.")
    return _verdict(True, name)


def _slerp_reference(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """sin((1-t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, with Ω the angle between the flattened a and b."""
    omega = torch.arccos(torch.dot(a.flatten(), b.flatten()) / (a.norm() * b.norm())).clamp(min=1e-6)
    t = torch.linspace(0, 1, steps).view(-1, *[1] * a.dim())
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def check_half_grey_curve(answer, x_a: torch.Tensor, x_b: torch.Tensor, steps: int = 11,
                          name: str = "half_grey_curve") -> Verdict:
    """Check the mean over the pairs of the half-grey share (of the pixels above 0.25, those below 0.75) of
    the cross-fades (1 - t) x_a + t x_b at ``steps`` equally spaced t from 0 to 1, as fractions (chapter 3)."""
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your {steps} numbers.")
    try:
        values = torch.as_tensor(answer.detach() if torch.is_tensor(answer) else answer, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return _verdict(False, name, f"expected {steps} numbers, got {type(answer).__name__}.")
    values = values.flatten().cpu()
    if len(values) != steps:
        return _verdict(False, name, f"expected {steps} numbers, one per t = 0, {1 / (steps - 1):.2g}, .., 1; "
                                     f"got {len(values)}.")
    expected, pooled = _half_grey_curves(x_a, x_b, steps)
    if torch.allclose(values, expected, atol=1e-3):
        return _verdict(True, name)
    if torch.allclose(values / 100, expected, atol=1e-3):
        return _verdict(False, name, "these look like percentages: give the shares as fractions (0 to 1).")
    if torch.allclose(values, pooled, atol=1e-3):
        return _verdict(False, name, "that is the share of all pairs' pixels pooled together: take each image's "
                                     "share (half_grey_per_image), then the mean over the pairs.")
    wrong = int((values - expected).abs().argmax())
    return _verdict(False, name, f"at t = {wrong / (steps - 1):.2g} the mean share should be {expected[wrong]:.3f}, "
                                 f"not {values[wrong]:.3f}: cross-fade the pixels, (1 - t)·x_a + t·x_b.")


def _half_grey_curves(x_a: torch.Tensor, x_b: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Per t: the mean of the per-image half-grey shares of the cross-fades, and the share of pooled pixels."""
    x_a, x_b = x_a.detach().cpu().double(), x_b.detach().cpu().double()
    means, pooled = [], []
    for t in torch.linspace(0, 1, steps, dtype=torch.float64):
        faded = (1 - t) * x_a + t * x_b
        ink, half = half_grey_masks(faded)
        means.append(half_grey_per_image(faded).double().mean())
        pooled.append(half.sum().double() / ink.sum().clamp(min=1))
    return torch.stack(means), torch.stack(pooled)


def check_mse_optimum(answer, targets: torch.Tensor, name: str = "image", atol: float = 1e-5) -> Verdict:
    """Check that ``answer`` is the one image with the least mean squared error to all ``targets`` (N, ...)
    (chapter 5); if not, say how far its error is above the smallest possible."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your image.")
    if not torch.is_tensor(answer):
        return _verdict(False, name, f"expected a torch.Tensor, got {type(answer).__name__}.")
    if tuple(answer.shape) != tuple(targets.shape[1:]):
        return _verdict(False, name, f"wrong shape {tuple(answer.shape)}; expected one image shaped "
                                     f"{tuple(targets.shape[1:])}.")
    targets = targets.detach().cpu().double()
    answer = answer.detach().cpu().double()
    best = torch.mean((targets - targets.mean(0)) ** 2).item()
    mse = torch.mean((targets - answer) ** 2).item()
    return _verdict(mse - best <= atol, name, f"its mean squared error to the targets is {mse:.5f}, "
                                            f"{mse - best:.5f} above the smallest possible ({best:.5f}).")
