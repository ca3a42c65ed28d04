"""Checks of a value the student computed: a tensor, a number, a shape, a multiple-choice letter."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from utils.checks.verdicts import Verdict, _unanswered, _verdict


def check_tensor(answer, expected: torch.Tensor, name: str = "answer", atol: float = 1e-5,
                 rtol: float = 1e-4, check_dtype: bool = True) -> Verdict:
    """Compare a tensor answer with the expected one: type, shape, dtype, then values (first bad index)."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your code.")
    if not torch.is_tensor(answer):
        return _verdict(False, name, f"expected a torch.Tensor, got {type(answer).__name__}.")
    if tuple(answer.shape) != tuple(expected.shape):
        return _verdict(False, name, f"wrong shape {tuple(answer.shape)}; expected {tuple(expected.shape)}.")
    if check_dtype and answer.dtype != expected.dtype:
        return _verdict(False, name, f"wrong dtype {answer.dtype}; expected {expected.dtype}.")
    got, want = answer.detach().cpu().double(), expected.detach().cpu().double()
    bad = ~torch.isclose(got, want, atol=atol, rtol=rtol, equal_nan=True)
    if bad.any():
        index = tuple(int(i) for i in bad.nonzero()[0])
        where = index if len(index) != 1 else index[0]
        return _verdict(False, name, f"{int(bad.sum())} of {bad.numel()} values are off, the first at "
                                     f"index {where}: got {got[index].item():.4g}.")
    return _verdict(True, name)


def check_number(answer, expected: float, name: str = "answer", rel_tol: float = 1e-3,
                 abs_tol: float = 1e-6) -> Verdict:
    """Compare a number answer with the expected one and say whether it is too high or too low."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your number.")
    if torch.is_tensor(answer) and answer.numel() == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return _verdict(False, name, f"expected a number, got {type(answer).__name__}.")
    if math.isclose(answer, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return _verdict(True, name)
    return _verdict(False, name, f"{answer:.4g} is too {'high' if answer > expected else 'low'}.")


def check_shape(answer, expected: Sequence[int], name: str = "shape") -> Verdict:
    """Check a shape answer: a tensor, a torch.Size or a tuple of ints equal to ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your answer.")
    shape = tuple(answer.shape) if torch.is_tensor(answer) else tuple(answer)
    expected = tuple(expected)
    if len(shape) != len(expected):
        return _verdict(False, name, f"{len(shape)} dimensions {shape}; expected {len(expected)}.")
    wrong = [i for i, (a, b) in enumerate(zip(shape, expected)) if a != b]
    if wrong:
        return _verdict(False, name, f"{shape} differs from the expected shape in dimension {wrong[0]} "
                                     f"(got {shape[wrong[0]]}).")
    return _verdict(True, name)


def check_choice(answer, expected: str, options: Sequence[str], name: str = "answer") -> Verdict:
    """Check a multiple-choice answer (one of ``options``, case-insensitive) against ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, f"no answer yet: choose one of {', '.join(map(repr, options))}.")
    normalised = str(answer).strip().lower()
    if normalised not in [option.lower() for option in options]:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(normalised == expected.lower(), name, f"{answer!r} is not the right choice; look again.")
