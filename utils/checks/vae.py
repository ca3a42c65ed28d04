"""Checks of variational-autoencoder answers (chapter 8): the KL between two diagonal Gaussians, the
score-function gradient estimator, and the log-likelihood of a 2-D-latent model by quadrature on a grid."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from utils.checks.verdicts import Verdict, _unanswered, _verdict, no_answer, returns_nothing


def _kl_reference(mu_q, log_var_q, mu_p, log_var_p):
    """KL(N(mu_q, e^log_var_q) || N(mu_p, e^log_var_p)) summed over the last dimension."""
    return 0.5 * (log_var_p - log_var_q + (log_var_q.exp() + (mu_q - mu_p) ** 2) / log_var_p.exp() - 1).sum(-1)


def _kl_cases():
    g = torch.Generator().manual_seed(8)
    shapes = [(5, 3), (2, 7)]
    return [tuple(torch.randn(shape, generator=g, dtype=torch.float64) * s for s in (1.0, 0.7, 1.0, 0.7))
            for shape in shapes]


def _kl_mistake(got, args) -> str | None:
    """Name the plausible mistake whose result ``got`` equals, else None."""
    mu_q, lv_q, mu_p, lv_p = args
    mistakes = {
        "that is KL(p‖q), the other direction: the expectation is over q, the encoder's distribution":
            _kl_reference(mu_p, lv_p, mu_q, lv_q),
        "that is twice the KL: the closed form has a factor ½": 2 * _kl_reference(*args),
        "that treats the log-variances as log standard deviations (σ = e^{log_var}): the variance is "
        "e^{log_var}": _kl_reference(mu_q, 2 * lv_q, mu_p, 2 * lv_p),
        "that is the KL to N(0, I), the chapter's prior: use mu_p and log_var_p":
            _kl_reference(mu_q, lv_q, torch.zeros_like(mu_p), torch.zeros_like(lv_p)),
    }
    return next((text for text, value in mistakes.items() if torch.allclose(got, value, rtol=1e-4, atol=1e-6)), None)


def check_gaussian_kl(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(mu_q, log_var_q, mu_p, log_var_p)`` = KL(q‖p) between diagonal Gaussians, summed over the
    last dimension: one number per row (chapter 8). Names the reversed KL, a missing ½, σ for σ², and N(0, I)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return no_answer(name, "replace the `...` with your function")
    for case, args in enumerate(_kl_cases()):
        got = func(*(a.clone() for a in args))
        if case == 0 and _unanswered(got):
            return returns_nothing(func, name)
        want = _kl_reference(*args)
        if not torch.is_tensor(got) or tuple(got.shape) != tuple(want.shape):
            shape = tuple(got.shape) if torch.is_tensor(got) else type(got).__name__
            return _verdict(False, name, f"expected one KL per row, a tensor shaped {tuple(want.shape)} (sum over "
                                         f"the last dimension only), got {shape}.")
        got = got.detach().double()
        if not torch.allclose(got, want, rtol=1e-4, atol=1e-6):
            mistake = _kl_mistake(got, args)
            return _verdict(False, name, mistake or "wrong values: write KL as E_q[log q − log p] for one "
                                                    "dimension, then sum over the dimensions.")
    return _verdict(True, name)


def _score_cases():
    g = torch.Generator().manual_seed(9)
    eps = torch.randn(64, generator=g, dtype=torch.float64)
    return [(lambda z: z ** 2, 1.0, 0.5, eps), (torch.sin, -0.3, 1.7, eps)]


def check_score_function(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(f, mu, sigma, eps)``: the score-function estimates f(z)·(z − mu)/sigma² of d/dmu E[f(z)],
    one per sample z = mu + sigma·eps (chapter 8). Names a missing 1/σ, the reparameterised gradient, a mean."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return no_answer(name, "replace the `...` with your function")
    for case, (f, mu, sigma, eps) in enumerate(_score_cases()):
        got = func(f, mu, sigma, eps.clone())
        if case == 0 and _unanswered(got):
            return returns_nothing(func, name)
        if not torch.is_tensor(got) or tuple(got.shape) != tuple(eps.shape):
            return _verdict(False, name, f"return one estimate per sample, a tensor shaped {tuple(eps.shape)}; "
                                         "the mean over them comes later.")
        z = mu + sigma * eps
        got = got.detach().double()
        if torch.allclose(got, f(z) * (z - mu) / sigma ** 2, rtol=1e-5, atol=1e-8):
            continue
        z_grad = z.clone().requires_grad_()
        reparameterised = torch.autograd.grad(f(z_grad).sum(), z_grad)[0]
        mistakes = {"the score of N(mu, σ²) with respect to mu is (z − mu)/σ²; you divided by σ only":
                    f(z) * (z - mu) / sigma, "divide (z − mu) by σ²: you left out the variance": f(z) * (z - mu),
                    "that is the reparameterised estimate f′(z); this exercise asks for f(z)·∇_mu log q(z)":
                    reparameterised}
        mistake = next((t for t, v in mistakes.items() if torch.allclose(got, v, rtol=1e-5, atol=1e-8)), None)
        return _verdict(False, name, mistake or "wrong values: multiply f(z) by ∂/∂mu of log N(z; mu, σ²).")
    return _verdict(True, name)


@torch.no_grad()
def _grid_terms(decode: Callable, images: torch.Tensor, limit: float, points: int, chunk: int = 4_096):
    """log p(x|z) (N, G) and log N(z; 0, I) (G,) on the points × points grid over [-limit, limit]², and log Δ²."""
    axis = torch.linspace(-limit, limit, points, dtype=torch.float64)
    grid = torch.cartesian_prod(axis, axis)
    x = images.detach().flatten(1).double().cpu()
    columns = []
    for start in range(0, len(grid), chunk):
        z = grid[start:start + chunk].float().to(images.device)  # the model's device
        logits = decode(z).flatten(1).double().cpu()  # log p(x|z) = x·logits + Σ log σ(−logits)
        columns.append(x @ logits.T + torch.nn.functional.logsigmoid(-logits).sum(1))
    log_prior = -0.5 * grid.pow(2).sum(1) - math.log(2 * math.pi)
    return torch.cat(columns, 1), log_prior, 2 * math.log(2 * limit / (points - 1))


def check_log_likelihood_2d(answer, decode: Callable, images: torch.Tensor, limit: float = 4.0,
                            points: int = 201, name: str = "log_px", atol: float = 0.02) -> Verdict:
    """Check per-image log p(x) (nats, shape (N,)) of binary ``images`` under a 2-D-latent model whose
    ``decode(z)`` gives Bernoulli logits, by quadrature on a points × points grid over [-limit, limit]²
    with the N(0, I) prior (chapter 8). Names a missing cell area, a missing prior, a mean over the grid."""
    if _unanswered(answer):
        return no_answer(name)
    log_px_z, log_prior, log_area = _grid_terms(decode, images, limit, points)
    want = torch.logsumexp(log_px_z + log_prior, 1) + log_area
    if not torch.is_tensor(answer) or tuple(answer.shape) != (len(images),):
        shape = tuple(answer.shape) if torch.is_tensor(answer) else type(answer).__name__
        return _verdict(False, name, f"expected one log-likelihood per image, shaped ({len(images)},), got {shape}.")
    got = answer.detach().double().cpu()
    if torch.allclose(got, want, atol=atol, rtol=0):
        return _verdict(True, name)
    mistakes = {
        "the sum over the grid approximates an integral only when each term is multiplied by the cell's area "
        "Δz₁·Δz₂": want - log_area,
        "the prior density p(z) is missing from the integrand p(x|z)·p(z)": torch.logsumexp(log_px_z, 1) + log_area,
        "that is the average of p(x|z)p(z) over the grid points, not the integral: weight each point by the "
        "cell's area, not by 1/(number of points)": want - log_area - math.log(points ** 2),
        "that is −log p(x) (nats to encode x), not log p(x): mind the sign": -want,
    }
    mistake = next((t for t, v in mistakes.items() if torch.allclose(got, v, atol=atol, rtol=0)), None)
    worst = (got - want).abs().max().item()
    return _verdict(False, name, mistake or f"off by up to {worst:.3g} nats: sum p(x|z)·p(z)·Δz₁Δz₂ over the "
                                            f"{points} × {points} grid on [−{limit:g}, {limit:g}]² (in logs, with "
                                            "logsumexp).")


BETA_OPTIONS = ("a", "b", "c", "d")
_BETA_WHY_NOT = {
    "a": "a larger β buys a smaller rate (less information about each digit in z) at the price of distortion: "
         "the decoder must draw one digit for a wider set of codes, and that does not sharpen it.",
    "b": "β weighs the KL term against the reconstruction term, so it moves the optimum along the rate–"
         "distortion curve; it does not only rescale the loss.",
    "d": "the rate falls, but not to zero: naming one of three digits takes only ln 3 ≈ 1.1 nats, and the "
         "reconstruction term still pays for that much, so the code keeps the digit and gives up its style.",
}


def check_beta_prediction(answer, name: str = "prediction") -> Verdict:
    """Check the prediction (a, b, c or d) of what β = 16 does to the 2-D VAE's decoded grid (chapter 8); a
    wrong choice is told why it does not hold."""
    if _unanswered(answer):
        return no_answer(name, f"choose one of {', '.join(map(repr, BETA_OPTIONS))}")
    choice = str(answer).strip().lower().strip("()")
    if choice not in BETA_OPTIONS:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, BETA_OPTIONS))}.")
    return _verdict(choice == "c", name, _BETA_WHY_NOT.get(choice, ""))


SCORE_VARIANCE_RATIO = 21.75  # Var of f(z)(z-mu)/sigma² over Var of 2z, for f = z², mu = 1, sigma = 0.5


def check_samples_ratio(answer, name: str = "samples_ratio", rel_tol: float = 0.15) -> Verdict:
    """Check how many times more samples the score-function estimator of Exercise 8.2 needs than the
    reparameterised one for the same standard error (the ratio of their variances, measured; chapter 8)."""
    if _unanswered(answer):
        return no_answer(name, "replace the `...` with your number")
    value = answer.item() if torch.is_tensor(answer) and answer.numel() == 1 else answer
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _verdict(False, name, f"expected a number, got {type(answer).__name__}.")
    if math.isclose(value, SCORE_VARIANCE_RATIO, rel_tol=rel_tol):
        return _verdict(True, name)
    mistakes = ((1 / SCORE_VARIANCE_RATIO, "that is the reparameterised variance over the score function's: "
                                           "the ratio the other way round"),
                (math.sqrt(SCORE_VARIANCE_RATIO), "that is the ratio of the standard deviations; the standard "
                                                  "error of a mean is sd/√n, so the samples needed grow with "
                                                  "the variance"))
    for wrong, why in mistakes:
        if math.isclose(value, wrong, rel_tol=rel_tol):
            return _verdict(False, name, why + ".")
    return _verdict(False, name, f"{value:.4g} is too {'high' if value > SCORE_VARIANCE_RATIO else 'low'}: "
                                 "divide the variance of your score-function estimates by that of 2z.")
