"""utils.checks.dynamics (chapter 9): each check passes the right answer and names the plausible slips."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils.checks.dynamics import (
    RUN_KINDS,
    check_diagnosis,
    check_gradient_ratio,
    check_optimal_discriminator,
    check_precision_recall,
    generator_gradient_norms,
    unlabelled_runs,
)
from utils.sample_quality import precision_recall

# ---------------------------------------------------------------- the saturating loss's gradient

@pytest.fixture
def confident_pair():
    """A small generator with batch norm and a discriminator that rejects its fakes (D(G(z)) near 0.02)."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 2))
    d = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        d[2].bias.fill_(-4.0)
    return g, d, torch.randn(64, 4)


def measured_ratio(g, d, z):
    logits = d(g(z)).view(-1)
    params = list(g.parameters())
    sat = torch.autograd.grad(torch.log1p(-torch.sigmoid(logits)).mean(), params, retain_graph=True)
    ns = torch.autograd.grad(-F.logsigmoid(logits).mean(), params)
    return (torch.cat([x.flatten() for x in sat]).norm() / torch.cat([x.flatten() for x in ns]).norm()).item()


def test_the_gradient_ratio_is_small_when_d_is_confident_and_leaves_the_models_alone(confident_pair):
    g, d, z = confident_pair
    before = [t.clone() for t in (*g.state_dict().values(), *d.state_dict().values())]
    sat, ns = generator_gradient_norms(g, d, z)
    assert 0 < sat / ns < 0.1
    after = [*g.state_dict().values(), *d.state_dict().values()]
    assert all(torch.equal(a, b) for a, b in zip(before, after)), "batch-norm statistics must not change"
    assert all(p.grad is None for p in g.parameters())


def test_check_gradient_ratio_passes_a_measurement_and_names_the_slips(confident_pair, verdict):
    g, d, z = confident_pair
    right = measured_ratio(g, d, z)
    assert check_gradient_ratio(right, g, d, z) and verdict() == "✅ ratio: correct."
    assert check_gradient_ratio(torch.tensor(right), g, d, z) and "✅" in verdict()
    assert not check_gradient_ratio(..., g, d, z) and "no answer yet" in verdict()
    assert not check_gradient_ratio("small", g, d, z) and "one number" in verdict()
    assert not check_gradient_ratio(1 / right, g, d, z) and "divide the other way" in verdict()
    assert not check_gradient_ratio(right ** 2, g, d, z) and "squared norms" in verdict()
    with torch.no_grad():
        p = torch.sigmoid(d(g(z)).view(-1))
    assert not check_gradient_ratio((p / (1 - p)).mean().item(), g, d, z) and "measure them with autograd" in verdict()
    assert not check_gradient_ratio(p.mean().item() / (1 - p.mean().item()), g, d, z)
    assert "measure them with autograd" in verdict()
    losses = (-torch.log1p(-p).mean() / -torch.log(p).mean()).item()
    assert not check_gradient_ratio(losses, g, d, z) and "two losses' sizes" in verdict()
    assert not check_gradient_ratio(0.5, g, d, z) and "too high" in verdict()
    # a prediction 0.9 % off the measurement (as D/(1 - D) is in the chapter's own run) is not a measurement
    assert not check_gradient_ratio(right * 1.009, g, d, z) and "✅" not in verdict()


# ---------------------------------------------------------------- the optimal discriminator

def test_check_optimal_discriminator(verdict):
    assert check_optimal_discriminator(1 / 9, 1.0) and "✅" in verdict()
    assert check_optimal_discriminator(0.1111, torch.tensor(1.0)) and "✅" in verdict()
    assert not check_optimal_discriminator(..., ...) and "no answer yet" in verdict()
    assert not check_optimal_discriminator(1 / 9, 0.5) and "no mass" in verdict()
    assert not check_optimal_discriminator(1 / 9, 0.0) and "p_data / p_data" in verdict()
    assert not check_optimal_discriminator(1 / 8, 1.0) and "share of the mass" in verdict()
    assert not check_optimal_discriminator(8 / 9, 1.0) and "puts the data's density on top" in verdict()
    assert not check_optimal_discriminator(0.5, 1.0) and "p_data = p_G" in verdict()
    assert not check_optimal_discriminator(0.3, 1.0) and "too high" in verdict()
    assert not check_optimal_discriminator("a", 1.0) and "two numbers" in verdict()


def test_the_optimal_discriminators_value_follows_from_the_densities():
    std, weight = 0.05, 1 / 8
    density = 1 / (2 * math.pi * std ** 2)  # a 2-D Gaussian at its centre
    assert weight * density / (weight * density + density) == pytest.approx(1 / 9)


# ---------------------------------------------------------------- precision and recall by hand

def knn_precision_recall(real, fake, k=3):
    def radii(x):
        return torch.cdist(x, x).topk(k + 1, largest=False).values[:, k]

    precision = (torch.cdist(fake, real) <= radii(real)).any(1).float().mean().item()
    recall = (torch.cdist(real, fake) <= radii(fake)).any(1).float().mean().item()
    return precision, recall


def test_the_reference_solution_matches_the_course_function():
    g = torch.Generator().manual_seed(1)
    real, fake = torch.randn(100, 5, generator=g), torch.randn(80, 5, generator=g) + 0.3
    assert knn_precision_recall(real, fake) == pytest.approx(precision_recall(real, fake, 3))


def test_check_precision_recall_passes_the_definition(verdict):
    assert check_precision_recall(knn_precision_recall) and verdict() == "✅ knn_precision_recall: correct."
    as_tensors = lambda r, f, k: tuple(torch.tensor(v) for v in knn_precision_recall(r, f, k))
    assert check_precision_recall(as_tensors) and "✅" in verdict()


def test_check_precision_recall_names_each_slip(verdict):
    def unanswered(real, fake, k=3):
        ...

    assert not check_precision_recall(...) and "no answer yet" in verdict()
    assert not check_precision_recall(unanswered) and "no answer yet" in verdict()
    swapped = lambda r, f, k=3: knn_precision_recall(r, f, k)[::-1]
    assert not check_precision_recall(swapped) and "swapped" in verdict()

    def self_counted(real, fake, k=3):
        def radii(x):
            return torch.cdist(x, x).topk(k, largest=False).values[:, k - 1]
        return ((torch.cdist(fake, real) <= radii(real)).any(1).float().mean().item(),
                (torch.cdist(real, fake) <= radii(fake)).any(1).float().mean().item())
    assert not check_precision_recall(self_counted) and "itself" in verdict()

    def nearest_ball_only(real, fake, k=3):
        def share(q, c):
            distance, nearest = torch.cdist(q, c).min(1)
            radii = torch.cdist(c, c).topk(k + 1, largest=False).values[:, k]
            return (distance <= radii[nearest]).float().mean().item()
        return share(fake, real), share(real, fake)
    assert not check_precision_recall(nearest_ball_only) and "*any*" in verdict()

    def one_radius(real, fake, k=3):
        def share(q, c):
            radius = torch.cdist(c, c).topk(k + 1, largest=False).values[:, k].mean()
            return (torch.cdist(q, c) <= radius).any(1).float().mean().item()
        return share(fake, real), share(real, fake)
    assert not check_precision_recall(one_radius) and "own radius" in verdict()
    assert not check_precision_recall(lambda r, f, k=3: 0.5) and "two numbers" in verdict()
    assert not check_precision_recall(lambda r, f, k=3: (0.5, 0.5)) and "precision is off" in verdict()
    assert not check_precision_recall(lambda r, f, k=3: 1 / 0) and "ZeroDivisionError" in verdict()


def test_the_cases_tell_the_slips_apart():
    """Each slip gives a different pair from the right one on at least one case (else the check cannot see it)."""
    from utils.checks.dynamics import _pr_cases, _pr_slips

    for slip_index in range(4):
        assert any(_pr_slips(real, fake, 3)[slip_index][0] != pytest.approx(precision_recall(real, fake, 3))
                   for real, fake in _pr_cases()), slip_index


# ---------------------------------------------------------------- diagnosing runs

TRUTH = {letter: kind for letter, kind in unlabelled_runs({kind: kind for kind in RUN_KINDS}).items()}


def test_unlabelled_runs_hides_every_kind_behind_a_letter():
    assert sorted(TRUTH) == list("ABCDEF") and sorted(TRUTH.values()) == sorted(RUN_KINDS)
    assert list(TRUTH.values()) != list(RUN_KINDS), "the letters must not follow the order the chapter uses"
    with pytest.raises(ValueError, match="one run of each kind"):
        unlabelled_runs({"working recipe": 1})


def test_check_diagnosis_passes_the_truth_in_any_spelling(verdict):
    assert check_diagnosis(TRUTH) and verdict() == "✅ diagnosis: correct."
    shouted = {letter.lower(): kind.upper() + " " for letter, kind in TRUTH.items()}
    assert check_diagnosis(shouted) and "✅" in verdict()


def test_check_diagnosis_explains_each_confusion_without_giving_the_answer(verdict):
    assert not check_diagnosis(...) and "no answer yet" in verdict()
    assert not check_diagnosis(dict.fromkeys("ABCDEF", ...)) and "no answer yet" in verdict()
    swapped = dict(TRUTH)
    d5 = next(k for k, v in TRUTH.items() if v == "D trains 5× more")
    bn = next(k for k, v in TRUTH.items() if v == "batch norm before tanh")
    swapped[d5], swapped[bn] = swapped[bn], swapped[d5]
    assert not check_diagnosis(swapped)
    text = verdict()
    assert "4 of 6 right" in text and f"run {d5}: not 'batch norm before tanh'" in text
    assert f"run {bn}: not 'D trains 5× more'" in text and "from the first steps" in text and "grey, speckled" in text
    half = {**TRUTH, "A": ...}
    assert not check_diagnosis(half) and "run A: no answer yet" in verdict()
    assert not check_diagnosis({**TRUTH, "A": "exploding gradients"}) and "not one of RUN_KINDS" in verdict()
    assert not check_diagnosis({"A": TRUTH["A"]}) and "one kind for each of the runs" in verdict()
