"""What every check prints and returns: ✅ right, ❌ wrong (and what is wrong), ⏳ not answered yet.

A check returns a Verdict (true when the answer is right, shown as nothing in Jupyter); an unanswered stub
(``...`` or None, or a function that still returns nothing) gets the neutral 'no answer yet', not a cross.
A check of an answer that builds on an earlier one takes that answer's Verdict as ``after``: when the earlier
answer is wrong (or not given yet), the second ❌ says so, so the student fixes the first mistake first.
"""

from __future__ import annotations

PASS = "✅"
FAIL = "❌"
PENDING = "⏳"  # an exercise not answered yet: no ❌ when a chapter runs top to bottom with its stubs
NO_ANSWER = "no answer yet"


class Verdict:
    """A check's outcome: true when the answer is right, with the answer's ``name`` and whether it is still
    ``pending`` (no answer yet). It shows nothing as a cell's last value (the check has printed its verdict
    already), so a check at the end of a cell leaves no stray ``True``."""

    __slots__ = ("ok", "name", "pending")

    def __init__(self, ok: bool, name: str = "answer", pending: bool = False):
        self.ok, self.name, self.pending = bool(ok), name, bool(pending) and not ok

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other) -> bool:
        return self.ok == bool(other) if isinstance(other, (bool, Verdict)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.ok)

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        """Display nothing in Jupyter."""


def builds_on(after: Verdict | None) -> str:
    """The sentence a wrong answer's message ends with when it builds on the earlier answer ``after`` that is
    itself wrong or missing ("" when ``after`` is None or right)."""
    if after is None or after:
        return ""
    if after.pending:
        return f" It builds on {after.name}, which has no answer yet: answer that first."
    return f" It builds on {after.name}, which is wrong too: fix that first; this may only follow from it."


def _verdict(ok: bool, name: str, message: str = "", after: Verdict | None = None, hint: str = "") -> Verdict:
    """Print ✅, ⏳ (a ``message`` starting with NO_ANSWER) or ❌ with ``message``, then ``hint`` and what the
    answer ``after`` means for it; return the Verdict."""
    pending = not ok and message.startswith(NO_ANSWER)
    if ok:
        print(f"{PASS} {name}: correct.")
    elif pending:
        print(f"{PENDING} {name}: {message}")
    else:
        print(f"{FAIL} {name}: {message}{f' {hint}' if hint else ''}{builds_on(after)}")
    return Verdict(ok, name, pending)


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


def no_answer(name: str, what: str = "replace the `...` with your answer") -> Verdict:
    """Print and return the neutral ⏳ verdict for an answer not given yet (``what`` says what to do)."""
    return _verdict(False, name, f"{NO_ANSWER}: {what}.")


def returns_nothing(func, name: str) -> Verdict:
    """The ⏳ verdict for a student's function whose body is still the stub's ``...`` (it returns None)."""
    return no_answer(name, f"{getattr(func, '__name__', name)} returns nothing; replace the `...` in its body")
