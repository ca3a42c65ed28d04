"""utils.checks.vae: the KL between diagonal Gaussians, the score-function estimator, log p(x) by quadrature."""

import math

import pytest
import torch

from utils.checks.vae import (
    check_beta_prediction,
    check_gaussian_kl,
    check_log_likelihood_2d,
    check_samples_ratio,
    check_score_function,
)


def kl_right(mu_q, log_var_q, mu_p, log_var_p):
    var_q, var_p = log_var_q.exp(), log_var_p.exp()
    return 0.5 * (log_var_p - log_var_q + (var_q + (mu_q - mu_p) ** 2) / var_p - 1).sum(-1)


def kl_by_distributions(mu_q, log_var_q, mu_p, log_var_p):
    from torch.distributions import Normal, kl_divergence
    q, p = Normal(mu_q, (0.5 * log_var_q).exp()), Normal(mu_p, (0.5 * log_var_p).exp())
    return kl_divergence(q, p).sum(-1)


def test_the_gaussian_kl_check_accepts_right_answers(verdict):
    assert check_gaussian_kl(kl_right) and verdict() == "✅ kl_right: correct."
    assert check_gaussian_kl(kl_by_distributions)


@pytest.mark.parametrize(("wrong", "message"), [
    (lambda mq, lq, mp, lp: kl_right(mp, lp, mq, lq), "KL(p‖q), the other direction"),
    (lambda mq, lq, mp, lp: 2 * kl_right(mq, lq, mp, lp), "factor ½"),
    (lambda mq, lq, mp, lp: kl_right(mq, 2 * lq, mp, 2 * lp), "log standard deviations"),
    (lambda mq, lq, mp, lp: 0.5 * (mq ** 2 + lq.exp() - 1 - lq).sum(-1), "KL to N(0, I)"),
    (lambda mq, lq, mp, lp: kl_right(mq, lq, mp, lp).sum(), "one KL per row"),
    (lambda mq, lq, mp, lp: 0.5 * (lp - lq + (lq.exp() + (mq - mp) ** 2) / lp.exp() - 1), "one KL per row"),
    (lambda mq, lq, mp, lp: kl_right(mq, lq, mp, lp) + 0.1, "wrong values"),
])
def test_the_gaussian_kl_check_names_the_mistake(wrong, message, verdict):
    assert not check_gaussian_kl(wrong, name="kl")
    said = verdict()
    assert said.startswith("❌ kl:") and message in said


def test_the_gaussian_kl_check_waits_for_an_answer(verdict):
    def stub(mu_q, log_var_q, mu_p, log_var_p):
        ...

    assert not check_gaussian_kl(stub) and verdict().startswith("⏳")
    assert not check_gaussian_kl(...) and verdict().startswith("⏳")


def score_right(f, mu, sigma, eps):
    z = mu + sigma * eps
    return f(z) * (z - mu) / sigma ** 2


def test_the_score_function_check_accepts_the_estimator(verdict):
    assert check_score_function(score_right) and "correct" in verdict()


def reparameterised(f, mu, sigma, eps):
    z = (mu + sigma * eps).clone().requires_grad_()
    return torch.autograd.grad(f(z).sum(), z)[0]


@pytest.mark.parametrize(("wrong", "message"), [
    (lambda f, mu, sigma, eps: f(mu + sigma * eps) * eps, "divided by σ only"),
    (lambda f, mu, sigma, eps: f(mu + sigma * eps) * sigma * eps, "left out the variance"),
    (reparameterised, "reparameterised estimate"),
    (lambda f, mu, sigma, eps: score_right(f, mu, sigma, eps).mean(), "one estimate per sample"),
    (lambda f, mu, sigma, eps: f(mu + sigma * eps) * (mu + sigma * eps), "wrong values"),
])
def test_the_score_function_check_names_the_mistake(wrong, message, verdict):
    assert not check_score_function(wrong, name="score")
    said = verdict()
    assert said.startswith("❌ score:") and message in said


def test_the_score_function_check_waits_for_an_answer(verdict):
    def stub(f, mu, sigma, eps):
        ...

    assert not check_score_function(stub) and verdict().startswith("⏳")


@pytest.fixture
def toy_model():
    """A random linear 'decoder' from a 2-D code to 784 Bernoulli logits, and six binary images."""
    g = torch.Generator().manual_seed(0)
    weight, bias = torch.randn(784, 2, generator=g), torch.randn(784, generator=g)
    decode = lambda z: (z @ weight.T + bias).view(-1, 1, 28, 28)  # noqa: E731
    images = torch.bernoulli(torch.full((6, 1, 28, 28), 0.3), generator=g)
    return decode, images


def quadrature(decode, images, limit=4.0, points=41, prior=True, area=True):
    # log p(x) = log Σ_z p(x|z) p(z) Δ² over the grid, computed the slow, obvious way
    axis = torch.linspace(-limit, limit, points)
    z = torch.cartesian_prod(axis, axis)
    logits = decode(z).flatten(1)
    x = images.flatten(1)
    log_px_z = -torch.nn.functional.binary_cross_entropy_with_logits(
        logits[None].expand(len(x), -1, -1), x[:, None].expand(-1, len(z), -1), reduction="none").sum(-1)
    log_pz = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(1) if prior else torch.zeros(len(z))
    step = 2 * limit / (points - 1)
    return torch.logsumexp(log_px_z + log_pz, 1) + (2 * math.log(step) if area else 0.0)


def test_the_quadrature_check_accepts_the_integral(toy_model, verdict):
    decode, images = toy_model
    assert check_log_likelihood_2d(quadrature(decode, images), decode, images, points=41, name="log_px")
    assert verdict() == "✅ log_px: correct."


@pytest.mark.parametrize(("mistake", "message"), [
    (dict(area=False), "cell's area"),
    (dict(prior=False), "prior density"),
    (dict(negate=True), "mind the sign"),
    (dict(average=True), "average of p(x|z)p(z) over the grid points"),
    (dict(points=21), "off by up to"),
])
def test_the_quadrature_check_names_the_mistake(toy_model, mistake, message, verdict):
    decode, images = toy_model
    options = {k: v for k, v in mistake.items() if k in ("area", "prior", "points")}
    answer = quadrature(decode, images, **options)
    if mistake.get("negate"):
        answer = -answer
    if mistake.get("average"):
        answer = answer - 2 * math.log(8 / 40) - math.log(41 ** 2)
    assert not check_log_likelihood_2d(answer, decode, images, points=41, name="log_px")
    said = verdict()
    assert said.startswith("❌ log_px:") and message in said


def test_the_quadrature_check_wants_one_value_per_image(toy_model, verdict):
    decode, images = toy_model
    assert not check_log_likelihood_2d(quadrature(decode, images).mean(), decode, images, points=41)
    assert "one log-likelihood per image" in verdict()
    assert not check_log_likelihood_2d(..., decode, images) and verdict().startswith("⏳")


@pytest.mark.parametrize("answer", ["c", "C", " (c) "])
def test_the_beta_prediction_check_accepts_c(answer, verdict):
    assert check_beta_prediction(answer) and verdict() == "✅ prediction: correct."


@pytest.mark.parametrize(("answer", "message"), [
    ("a", "does not sharpen it"), ("b", "does not only rescale"), ("d", "ln 3")])
def test_the_beta_prediction_check_says_why_a_wrong_choice_fails(answer, message, verdict):
    assert not check_beta_prediction(answer)
    said = verdict()
    assert said.startswith("❌ prediction:") and message in said


def test_the_beta_prediction_check_refuses_other_answers_and_waits(verdict):
    assert not check_beta_prediction("e") and "is not one of" in verdict()
    assert not check_beta_prediction(...) and verdict().startswith("⏳")


def test_the_samples_ratio_check_accepts_a_measured_ratio(verdict):
    g = torch.Generator().manual_seed(5)
    eps = torch.randn(200_000, generator=g, dtype=torch.float64)
    z = 1.0 + 0.5 * eps
    measured = (score_right(lambda v: v ** 2, 1.0, 0.5, eps).var() / (2 * z).var()).item()
    assert check_samples_ratio(measured) and verdict() == "✅ samples_ratio: correct."
    assert check_samples_ratio(torch.tensor(21.75))


@pytest.mark.parametrize(("answer", "message"), [
    (1 / 21.75, "the other way round"), (21.75 ** 0.5, "standard deviations"), (60.0, "too high"),
    (12.0, "too low"), ("22", "expected a number")])
def test_the_samples_ratio_check_names_the_mistake(answer, message, verdict):
    assert not check_samples_ratio(answer)
    said = verdict()
    assert said.startswith("❌ samples_ratio:") and message in said
    assert "21.75" not in said  # the expected value is not given away


def test_the_samples_ratio_check_waits_for_an_answer(verdict):
    assert not check_samples_ratio(...) and verdict().startswith("⏳")
