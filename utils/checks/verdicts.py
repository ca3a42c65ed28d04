"""What every check prints and returns: ✅ right, ❌ wrong (and what is wrong), ⏳ not answered yet.

A check returns a Verdict (true when the answer is right, shown as nothing in Jupyter); an unanswered stub
(``...`` or None) gets the neutral 'no answer yet', not a cross.
"""

from __future__ import annotations

PASS = "✅"
FAIL = "❌"
PENDING = "⏳"  # an exercise not answered yet: no ❌ when a chapter runs top to bottom with its stubs
NO_ANSWER = "no answer yet"


class Verdict:
    """A check's outcome: true when the answer is right. It shows nothing as a cell's last value (the check
    has printed its verdict already), so a check at the end of a cell leaves no stray ``True``."""

    __slots__ = ("ok",)

    def __init__(self, ok: bool):
        self.ok = bool(ok)

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


def _verdict(ok: bool, name: str, message: str = "") -> Verdict:
    if ok:
        print(f"{PASS} {name}: correct.")
    else:
        print(f"{PENDING if message.startswith(NO_ANSWER) else FAIL} {name}: {message}")
    return Verdict(ok)


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis
