"""Checks of multi-input (fusion) answers: early fusion of an image and a table, the multiple-choice
questions on encoding a zipcode and on choosing settings on test folds, and the best additive (late-fusion)
fit of a table."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checks.verdicts import NO_ANSWER, Verdict, _unanswered, _verdict


def check_early_fusion(func: Callable, name: str = "early_fusion") -> Verdict:
    """Check ``func(image, table)`` returns the image channels followed by one constant plane per table
    column, (B, C, H, W) and (B, T) -> (B, C + T, H, W), on random inputs of two sizes (chapter 7)."""
    g = torch.Generator().manual_seed(0)
    for batch, channels, height, width, columns in ((2, 1, 28, 28, 10), (3, 2, 5, 7, 4)):
        image = torch.rand(batch, channels, height, width, generator=g)
        table = torch.randn(batch, columns, generator=g)
        got = func(image.clone(), table.clone())
        if _unanswered(got):
            return _verdict(False, name, "no answer yet: replace the `...` with your code.")
        if not torch.is_tensor(got):
            return _verdict(False, name, f"expected a torch.Tensor, got {type(got).__name__}.")
        sizes = f"an image {(batch, channels, height, width)} and a table {(batch, columns)}"
        want = (batch, channels + columns, height, width)
        if tuple(got.shape) != want:
            return _verdict(False, name, f"for {sizes} the result has shape {tuple(got.shape)}, not {want}.")
        if not torch.allclose(got[:, :channels], image):
            return _verdict(False, name, f"for {sizes} the first {channels} channel(s) should be the image, unchanged.")
        planes = got[:, channels:]
        wrong = ~torch.isclose(planes, table[:, :, None, None].expand_as(planes)).flatten(2).all(2)
        if wrong.any():
            b, j = (int(i) for i in wrong.nonzero()[0])
            return _verdict(False, name, f"for {sizes}, channel {channels + j} of example {b} should be a constant "
                                         f"plane filled with column {j} of that example's table row.")
    return _verdict(True, name)


_ZIP_HINTS = {
    "a": "standardising rescales the column but leaves one number per house, so the model still has one "
         "weight for it: can one weight give 49 zipcodes 49 unrelated price levels?",
    "c": "after standardising, the column is on the scale of the others and gets a weight like them; "
         "the model does use it, but how?",
    "d": "the information is the same, but count the weights: how many does each encoding give the zipcodes?",
}
_LEAKAGE_HINTS = {
    "b": "the best of several tries on one set of houses looks better on those houses than it will on new ones, "
         "not worse.",
    "c": "the training never saw the test houses, but the choice among the settings did.",
    "d": "every candidate sees the same houses, and the winner is the one whose errors on them happen to be "
         "smallest, partly by luck.",
}


def _choice_with_hints(answer, expected: str, hints: dict, name: str) -> Verdict:
    """A multiple-choice check that answers each plausible wrong choice with its own hint (chapter 7)."""
    options = sorted([expected, *hints])
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: set it to one of {', '.join(map(repr, options))}.")
    choice = str(answer).strip().lower().rstrip(").")
    if choice not in options:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(choice == expected, name, f"not {choice!r}: {hints.get(choice, '')}")


def check_zip_as_number(answer, name: str = "answer") -> Verdict:
    """Exercise 7.2: what a linear model can do with the zipcode given as one standardised number (chapter 7)."""
    return _choice_with_hints(answer, "b", _ZIP_HINTS, name)


def check_test_fold_choice(answer, name: str = "answer") -> Verdict:
    """Exercise 7.3: how choosing settings on the test folds biases the reported error (chapter 7)."""
    return _choice_with_hints(answer, "a", _LEAKAGE_HINTS, name)


def check_additive_fit(answer, table: torch.Tensor, name: str = "late_fusion_fit", atol: float = 1e-3) -> Verdict:
    """Check the least-squares fit of ``f(row) + g(column)`` to a (R, C) ``table`` (chapter 7's late fusion);
    a wrong answer is told whether it is the table itself, not additive, or additive but not the best."""
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with a tensor of predictions.")
    table = torch.as_tensor(table).double()
    if not torch.is_tensor(answer) or tuple(answer.shape) != tuple(table.shape):
        got = tuple(answer.shape) if torch.is_tensor(answer) else type(answer).__name__
        return _verdict(False, name, f"expected a tensor shaped {tuple(table.shape)}, one prediction per cell; "
                                     f"got {got}.")
    pred = answer.detach().cpu().double()
    best = table.mean(1, keepdim=True) + table.mean(0, keepdim=True) - table.mean()
    if torch.allclose(pred, best, atol=atol):
        return _verdict(True, name)
    interaction = pred - pred.mean(1, keepdim=True) - pred.mean(0, keepdim=True) + pred.mean()
    if interaction.abs().max() > atol:
        if torch.allclose(pred, table, atol=atol):
            return _verdict(False, name, "these are the prices themselves: can a sum f(photo) + g(zipcode) give "
                                         "the photo the same effect in both zipcodes and still fit them?")
        return _verdict(False, name, "these predictions are not of the form f(row) + g(column): the difference "
                                     "between two rows must be the same in every column.")
    mse = ((pred - table) ** 2).mean().item()
    return _verdict(False, name, f"additive, but not the best such fit: its mean squared error is {mse:.4f}, "
                                 "and a smaller one is possible.")
