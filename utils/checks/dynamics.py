"""Checks of chapter 9's answers on GAN training dynamics: the saturating loss's gradient against a confident
discriminator, the optimal discriminator against a collapsed generator, precision and recall by hand, and the
diagnosis of unlabelled runs (``unlabelled_runs`` hides their names behind letters; the check knows them)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from utils.checks.answers import _number
from utils.checks.functions import _call
from utils.checks.verdicts import Verdict, _unanswered, _verdict, no_answer, returns_nothing

__all__ = ["check_gradient_ratio", "check_optimal_discriminator", "check_precision_recall", "check_diagnosis",
           "unlabelled_runs", "RUN_KINDS", "generator_gradient_norms"]


def generator_gradient_norms(generator, discriminator, z) -> tuple[float, float]:
    """The norms of the gradients that reach the generator's parameters (all of them as one vector) from the
    saturating loss mean log(1 − D(G(z))) and from the non-saturating loss −mean log D(G(z)), on copies."""
    g, d = copy.deepcopy(generator), copy.deepcopy(discriminator)  # the forward passes touch batch-norm stats
    norms = []
    for loss in (lambda logit: -F.softplus(logit).mean(), lambda logit: F.softplus(-logit).mean()):
        grads = torch.autograd.grad(loss(d(g(z)).reshape(-1)), [p for p in g.parameters() if p.requires_grad])
        norms.append(torch.sqrt(sum(grad.pow(2).sum() for grad in grads)).item())
    return norms[0], norms[1]


def check_gradient_ratio(ratio, generator, discriminator, z, name: str = "ratio") -> Verdict:
    """Check ‖∇θ L_sat‖ / ‖∇θ L_NS‖, the saturating over the non-saturating gradient norm at the generator's
    parameters θ for the noise batch ``z``, and say which plausible slip a wrong value matches (chapter 9)."""
    if _unanswered(ratio):
        return no_answer(name)
    value = _number(ratio)
    if value is None:
        return _verdict(False, name, f"expected one number, got {type(ratio).__name__}.")
    sat, ns = generator_gradient_norms(generator, discriminator, z)
    want = sat / ns

    def near(x):
        return math.isclose(value, x, rel_tol=0.02)
    # A measurement repeats to ~1e-6 on the same device; the predictions below can land within 1 % of it.
    if math.isclose(value, want, rel_tol=1e-3):
        return _verdict(True, name)
    with torch.no_grad():
        d = torch.sigmoid(copy.deepcopy(discriminator)(copy.deepcopy(generator)(z)).reshape(-1))
    slips = [(ns / sat, "that is the non-saturating norm over the saturating one: divide the other way."),
             (want ** 2, "that is the ratio of the squared norms: take the square root of each sum of squares."),
             ((d / (1 - d)).mean().item(), "that is the prediction from the derivatives with respect to the logit "
              "(the mean of D/(1 − D)); the question asks for the gradients that reach the generator's "
              "parameters: measure them with autograd."),
             (d.mean().item() / (1 - d).mean().item(), "that is the prediction from the mean D(G(z)); the question "
              "asks for the gradients that reach the generator's parameters: measure them with autograd."),
             (-torch.log1p(-d).mean().item() / -torch.log(d).mean().item(),
              "that is the ratio of the two losses' sizes, not of their gradients.")]
    for slip, message in slips:
        if near(slip):
            return _verdict(False, name, message)
    return _verdict(False, name, f"{value:.3g} is too {'high' if value > want else 'low'}: compute both "
                                 "gradients on the same batch z, for the generator's parameters only.")


def check_optimal_discriminator(covered, missed, name: str = "optimal D") -> Verdict:
    """Check D*(x) = p_data / (p_data + p_G) at the centre of the mode a collapsed generator covers (the data
    puts 1/8 of its mass there, the generator all of it, with the same spread): 1/9; and at a missed mode: 1."""
    if _unanswered(covered) or _unanswered(missed):
        return no_answer(name, "give both numbers, D*(x) at the covered mode's centre and at a missed mode's")
    values = [_number(covered), _number(missed)]
    if None in values:
        return _verdict(False, name, "give two numbers between 0 and 1.")
    covered, missed = values
    if not math.isclose(missed, 1.0, abs_tol=0.005):
        hint = ("½ is the value where the two densities are equal; at a missed mode the generator puts no mass."
                if math.isclose(missed, 0.5, abs_tol=0.01) else
                "at a missed mode p_G is 0, so the formula gives p_data / p_data.")
        return _verdict(False, f"{name} at a missed mode", f"{missed:.3g} is not it: {hint}")
    if math.isclose(covered, 1 / 9, rel_tol=0.01):
        return _verdict(True, name)
    hints = {1 / 8: "1/8 is the data's share of the mass at that mode, not D*: put both densities in the formula.",
             8 / 9: "that is p_G / (p_data + p_G): D* puts the data's density on top.",
             0.5: "½ holds where p_data = p_G; here the generator puts all its mass at this mode, the data 1/8."}
    for wrong, hint in hints.items():
        if math.isclose(covered, wrong, rel_tol=0.01):
            return _verdict(False, f"{name} at the covered mode", hint)
    return _verdict(False, f"{name} at the covered mode", f"{covered:.3g} is too "
                    f"{'high' if covered > 1 / 9 else 'low'}: at the centre both densities have the same "
                    "Gaussian shape; only their weights differ.")


def _pr_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Feature clouds on which the right answer and the plausible slips differ: different sizes and spreads."""
    g = torch.Generator().manual_seed(9)
    real = torch.randn(300, 8, generator=g)
    return [(real, 0.6 * torch.randn(200, 8, generator=g) + 0.4),          # a narrow, shifted generator
            (real, 1.5 * torch.randn(250, 8, generator=g)),                # a too-wide one
            (torch.randn(120, 4, generator=g), torch.randn(180, 4, generator=g))]


def _pr_slips(real, fake, k) -> list[tuple[tuple[float, float], str]]:
    """What the usual slips give on one case, each with what to say about it."""
    from utils.sample_quality import precision_recall

    def share_inside(queries, centres, radii):
        return (torch.cdist(queries, centres) <= radii).any(1).float().mean().item()

    def nearest_only(queries, centres, radii):
        distance, nearest = torch.cdist(queries, centres).min(1)
        return (distance <= radii[nearest]).float().mean().item()

    def radii(x, kth):
        return torch.cdist(x, x).topk(kth + 1, dim=1, largest=False).values[:, kth]

    right = precision_recall(real, fake, k)
    return [((right[1], right[0]), "precision and recall are swapped: precision asks how many *fakes* lie on the "
                                   "real digits' manifold."),
            ((share_inside(fake, real, radii(real, k - 1)), share_inside(real, fake, radii(fake, k - 1))),
             "your radii are too small: the nearest point to each point is itself (distance 0), so the k-th "
             "nearest *other* point is the (k + 1)-th smallest distance."),
            ((nearest_only(fake, real, radii(real, k)), nearest_only(real, fake, radii(fake, k))),
             "a point counts when it lies inside *any* of the other set's balls, not only inside the ball of "
             "its nearest neighbour there (a big ball further away can hold it)."),
            ((share_inside(fake, real, radii(real, k).mean()), share_inside(real, fake, radii(fake, k).mean())),
             "each point keeps its own radius; one average radius for all loses what k-NN balls are for.")]


def check_precision_recall(func: Callable, k: int = 3, name: str = "knn_precision_recall") -> Verdict:
    """Check ``func(real_features, fake_features, k)`` -> (precision, recall) against
    ``utils.sample_quality.precision_recall`` (Kynkäänniemi et al., 2019) and name the usual slips."""
    from utils.sample_quality import precision_recall

    if _unanswered(func):
        return no_answer(name, "replace the `...` with your function")
    for number, (real, fake) in enumerate(_pr_cases()):
        got, failed = _call(func, (real.clone(), fake.clone(), k), name, f"{name}(real, fake, k={k})")
        if failed is not None:
            return failed
        if number == 0 and _unanswered(got):
            return returns_nothing(func, name)
        pair = tuple(_number(v) for v in got) if isinstance(got, (tuple, list)) and len(got) == 2 else None
        if pair is None or None in pair:
            return _verdict(False, name, "return two numbers, (precision, recall).")
        want = precision_recall(real, fake, k)
        if all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(pair, want)):
            continue
        for slip, message in _pr_slips(real, fake, k):
            if all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(pair, slip)):
                return _verdict(False, name, message)
        which = "precision" if not math.isclose(pair[0], want[0], abs_tol=1e-6) else "recall"
        return _verdict(False, name, f"{which} is off on a {len(real)}-real, {len(fake)}-fake case: got "
                                     f"{pair[0]:.3f}, {pair[1]:.3f}.")
    return _verdict(True, name)


# The six kinds of run of chapter 9's diagnosis exercise, and what each one's curves and samples look like.
RUN_KINDS = ("working recipe", "learning rate too high", "batch norm before tanh",
             "batch norm in D's first layer", "D trains 5× more", "saturating loss")
SIGNS = {
    "working recipe": "the working recipe's discriminator is far ahead in the first few hundred steps too, but "
                      "L_G peaks and falls again, D(x) and D(G(z)) start back towards ½, and the samples are "
                      "digit-like shapes of many kinds",
    "learning rate too high": "a learning rate far too high makes both losses jump up and down, to 10 nats and "
                              "more, while the mean D(x) and D(G(z)) stay close to ½; its samples are fragments "
                              "of strokes",
    "batch norm before tanh": "with batch norm before tanh the discriminator has won outright after about 200 "
                              "steps (D(x) at 1, D(G(z)) at 0) while L_G climbs steadily; the samples are grey, "
                              "speckled patches",
    "batch norm in D's first layer": "batch norm in D's first layer leaves D ahead but not winning outright (D(x) "
                                     "near 0.8, D(G(z)) near 0.2), L_G rises slowly, and the samples are "
                                     "digit-like shapes on a grey background",
    "D trains 5× more": "a discriminator that trains 5× more has won outright from the first steps, before the "
                        "generator learned anything, and its L_G is the highest of all (6 to 9 nats); the "
                        "samples are blobs, not digits (dark or pale, depending on the seed)",
    "saturating loss": "the saturating loss stalls within the first hundred steps: D(G(z)) falls to 0 and stays "
                       "there, L_G sits at 0, and the samples stay the untrained generator's grey noise",
}
# unlabelled_runs shows the runs in this order, as A, B, C, ...: the check knows it, the chapter does not print it
_SHOWN = (4, 0, 5, 2, 1, 3)


def unlabelled_runs(runs: dict) -> dict:
    """Runs keyed by ``RUN_KINDS`` (all six), relabelled "A", "B", ... in a fixed order that hides their kind."""
    if set(runs) != set(RUN_KINDS):
        raise ValueError(f"give one run of each kind: {', '.join(RUN_KINDS)}.")
    return {chr(ord("A") + i): runs[RUN_KINDS[kind]] for i, kind in enumerate(_SHOWN)}


def check_diagnosis(answer: dict, name: str = "diagnosis") -> Verdict:
    """Check a diagnosis {letter: kind} of the runs of ``unlabelled_runs``; for each wrong letter, say what the
    kind named would have looked like (not what the run is)."""
    letters = [chr(ord("A") + i) for i in range(len(_SHOWN))]
    if _unanswered(answer) or not isinstance(answer, dict) or all(_unanswered(v) for v in answer.values()):
        return no_answer(name, f"give each run {', '.join(letters)} one of the kinds in RUN_KINDS")
    kinds = {kind.lower(): kind for kind in RUN_KINDS}
    given = {str(k).strip().upper(): kinds.get(str(v).strip().lower()) if not _unanswered(v) else None
             for k, v in answer.items()}
    if sorted(given) != letters:
        return _verdict(False, name, f"give one kind for each of the runs {', '.join(letters)}.")
    unknown = [k for k, v in answer.items() if not _unanswered(v) and given[str(k).strip().upper()] is None]
    if unknown:
        return _verdict(False, name, f"run {unknown[0]}: {answer[unknown[0]]!r} is not one of RUN_KINDS "
                                     f"({', '.join(map(repr, RUN_KINDS))}).")
    truth = {letter: RUN_KINDS[kind] for letter, kind in zip(letters, _SHOWN)}
    wrong = [letter for letter in letters if given[letter] != truth[letter]]
    if not wrong:
        return _verdict(True, name)
    lines = [f"run {letter}: {'no answer yet' if given[letter] is None else 'not ' + repr(given[letter])}"
             + ("" if given[letter] is None else f" — {SIGNS[given[letter]]}; compare with what run {letter} shows")
             for letter in wrong]
    return _verdict(False, name, f"{len(letters) - len(wrong)} of {len(letters)} right.\n  " + "\n  ".join(lines))
