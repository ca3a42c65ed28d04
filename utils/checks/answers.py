"""Checks of a value the student computed: a tensor, a number, a shape, a multiple-choice letter.

Each takes ``hint`` (said after what is wrong, for a wrong answer) and ``after`` (the Verdict of an earlier
answer this one builds on: a wrong earlier answer is named, so the student fixes it first); ``check_number``
also takes ``carried``, the value the answer has when it is computed right from the student's own earlier
answers, so that a number that only follows from an earlier mistake says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from utils.checks.verdicts import Verdict, _unanswered, _verdict


def check_tensor(answer, expected: torch.Tensor, name: str = "answer", atol: float = 1e-5,
                 rtol: float = 1e-4, check_dtype: bool = True, hint: str = "",
                 after: Verdict | None = None) -> Verdict:
    """Compare a tensor answer with the expected one: type, shape, dtype, then values (first bad index)."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your code.")
    wrong = (f"expected a torch.Tensor, got {type(answer).__name__}." if not torch.is_tensor(answer) else
             f"wrong shape {tuple(answer.shape)}; expected {tuple(expected.shape)}."
             if tuple(answer.shape) != tuple(expected.shape) else
             f"wrong dtype {answer.dtype}; expected {expected.dtype}."
             if check_dtype and answer.dtype != expected.dtype else None)
    if wrong:
        return _verdict(False, name, wrong, after, hint)
    got, want = answer.detach().cpu().double(), expected.detach().cpu().double()
    bad = ~torch.isclose(got, want, atol=atol, rtol=rtol, equal_nan=True)
    if bad.any():
        index = tuple(int(i) for i in bad.nonzero()[0])
        where = index if len(index) != 1 else index[0]
        return _verdict(False, name, f"{int(bad.sum())} of {bad.numel()} values are off, the first at "
                                     f"index {where}: got {got[index].item():.4g}.", after, hint)
    return _verdict(True, name)


def _number(value) -> float | None:
    """``value`` as a float (a one-element tensor included), or None when it is not a number."""
    if torch.is_tensor(value) and value.numel() == 1:
        value = value.item()
    return None if isinstance(value, bool) or not isinstance(value, (int, float)) else value


def _carried_value(carried) -> float | None:
    """The value of ``carried`` (a number, or a function of no arguments giving one); None when it cannot be
    computed, e.g. while the earlier answers it uses are still ``...``."""
    try:
        return _number(carried() if callable(carried) else carried)
    except Exception:  # the student's earlier answers are missing or of the wrong type
        return None


def check_number(answer, expected: float, name: str = "answer", rel_tol: float = 1e-3,
                 abs_tol: float = 1e-6, hint: str = "", after: Verdict | None = None,
                 carried: float | Callable[[], float] | None = None) -> Verdict:
    """Compare a number answer with the expected one and say whether it is too high or too low. ``carried``:
    the value the answer would have if computed right from the student's earlier (wrong) answer ``after``."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your number.")
    value = _number(answer)
    if value is None:
        return _verdict(False, name, f"expected a number, got {type(answer).__name__}.", after, hint)
    if math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return _verdict(True, name)
    follows = _carried_value(carried) if after is not None and not after else None
    if follows is not None and math.isclose(value, follows, rel_tol=rel_tol, abs_tol=abs_tol):
        return _verdict(False, name, f"{value:.4g} is right for your {after.name}, which is not: fix that "
                                     "first, and this follows.")
    return _verdict(False, name, f"{value:.4g} is too {'high' if value > expected else 'low'}.", after, hint)


def check_shape(answer, expected: Sequence[int], name: str = "shape", hint: str = "",
                after: Verdict | None = None) -> Verdict:
    """Check a shape answer: a tensor, a torch.Size or a tuple of ints equal to ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your answer.")
    shape = tuple(answer.shape) if torch.is_tensor(answer) else tuple(answer)
    expected = tuple(expected)
    if len(shape) != len(expected):
        return _verdict(False, name, f"{len(shape)} dimensions {shape}; expected {len(expected)}.", after, hint)
    wrong = [i for i, (a, b) in enumerate(zip(shape, expected)) if a != b]
    if wrong:
        return _verdict(False, name, f"{shape} differs from the expected shape in dimension {wrong[0]} "
                                     f"(got {shape[wrong[0]]}).", after, hint)
    return _verdict(True, name)


def check_choice(answer, expected: str, options: Sequence[str], name: str = "answer", hint: str = "",
                 after: Verdict | None = None) -> Verdict:
    """Check a multiple-choice answer (one of ``options``, case-insensitive) against ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, f"no answer yet: choose one of {', '.join(map(repr, options))}.")
    normalised = str(answer).strip().lower()
    if normalised not in [option.lower() for option in options]:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(normalised == expected.lower(), name, f"{answer!r} is not the right choice; look again.",
                    after, hint)
