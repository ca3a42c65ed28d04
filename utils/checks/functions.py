"""Checks of a function the student wrote: what it returns on given cases and, for ``check_calls``, which
library functions it calls (e.g. exactly one ``F.conv2d``, no ``F.conv_transpose2d``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager

import torch

from utils.checks.verdicts import NO_ANSWER, Verdict, _unanswered, _verdict


def _call(func: Callable, args: tuple, name: str, shown: str) -> tuple[object, Verdict | None]:
    """Call a student's ``func(*args)``: return its result and None, or None and the verdict that it is not
    written yet (it raises NotImplementedError) or that the call ``shown`` crashed (the notebook goes on)."""
    try:
        return func(*args), None
    except NotImplementedError:
        return None, _verdict(False, name, f"{NO_ANSWER}: write the body of {name}.")
    except Exception as error:  # a student's bug: say where, do not stop the notebook
        return None, _verdict(False, name, f"{shown} raised {type(error).__name__}: {error}")


def check_function(func: Callable, cases: Iterable[tuple[tuple, object]], name: str | None = None) -> Verdict:
    """Call ``func(*args)`` for each ``(args, expected)`` case and report the first case it gets wrong."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    for number, (args, expected) in enumerate(cases):
        shown = f"{name}({', '.join(map(repr, args))})"
        result, failed = _call(func, args, name, shown)
        if failed is not None:
            return failed
        if number == 0 and _unanswered(result) and not _unanswered(expected):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        if torch.is_tensor(expected):
            same = torch.is_tensor(result) and result.shape == expected.shape and torch.allclose(
                result.double(), expected.double(), atol=1e-5)
        else:
            same = result == expected
        if not same:
            return _verdict(False, name, f"{shown} returned {result!r}, which is not right.")
    return _verdict(True, name)


_CONVOLUTIONS = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "avg_pool2d", "interpolate", "fold", "unfold")


@contextmanager
def _counting_calls(names: Iterable[str]):
    """Count the calls of ``torch.nn.functional.<name>`` and ``torch.<name>`` while the block runs."""
    counts = dict.fromkeys(names, 0)
    saved = []
    for name in counts:
        for module in (torch.nn.functional, torch):
            original = getattr(module, name, None)
            if original is None:
                continue

            def counted(*args, _name=name, _original=original, **kwargs):
                counts[_name] += 1
                return _original(*args, **kwargs)

            saved.append((module, name, original))
            setattr(module, name, counted)
    try:
        yield counts
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)


def check_calls(func: Callable, cases: Iterable[tuple[tuple, torch.Tensor]], name: str | None = None,
                once: str | None = None, forbid: Sequence[str] = (), hint: str = "") -> Verdict:
    """Check ``func(*args)`` against each ``(args, expected tensor)`` case and how it computes them: exactly
    one call of ``F.<once>`` per case (if given) and no call of any ``F.<forbid>`` (chapter 1). ``hint`` is
    added to the verdict when the shape is right but the values are not."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    forbid = [f for f in forbid if f != once]
    for number, (args, expected) in enumerate(cases):
        shapes = ", ".join(str(tuple(a.shape)) if torch.is_tensor(a) else repr(a) for a in args)
        with _counting_calls(([once] if once else []) + forbid) as counts:
            result, failed = _call(func, args, name, f"{name}({shapes})")
        if failed is not None:
            return failed
        if number == 0 and _unanswered(result):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        used = [f for f in forbid if counts[f]]
        if used:
            return _verdict(False, name, f"it calls F.{used[0]}, which this exercise asks you to do without.")
        if once and counts[once] != 1:
            return _verdict(False, name, f"{name}({shapes}) calls F.{once} {counts[once]} times; the exercise "
                                         "asks for exactly one call.")
        if not torch.is_tensor(result):
            return _verdict(False, name, f"{name}({shapes}) returned a {type(result).__name__}, not a tensor.")
        if tuple(result.shape) != tuple(expected.shape):
            return _verdict(False, name, f"{name}({shapes}) has shape {tuple(result.shape)}, not "
                                         f"{tuple(expected.shape)}.")
        if not torch.allclose(result.detach().double(), expected.double(), atol=1e-5, rtol=1e-4):
            return _verdict(False, name, f"{name}({shapes}) has the right shape but wrong values."
                                         + (f" {hint}" if hint else ""))
    return _verdict(True, name)
