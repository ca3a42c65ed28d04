"""utils.checks.verdicts: a Verdict shows nothing in Jupyter; an unanswered stub is pending, not failed."""

from utils.checks.answers import check_number
from utils.checks.functions import check_function


def test_a_verdict_is_truthy_when_right_and_shows_nothing_in_jupyter(tmp_path):
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    from utils.checks.verdicts import Verdict

    assert Verdict(True) and not Verdict(False) and Verdict(True) == True  # noqa: E712
    assert Verdict(False) == Verdict(False) and Verdict(False) != Verdict(True)
    nb = new_notebook(cells=[new_code_cell("from utils.checks import check_number\ncheck_number(1.0, 1.0)"),
                             new_code_cell("check_number(2.0, 1.0)")])
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:  # the printed verdict, and no `True`/`False` after it
        assert [o.output_type for o in cell.outputs] == ["stream"], cell.outputs


def test_an_unanswered_stub_is_pending_not_failed(capsys):
    from utils.checks.verdicts import FAIL, PENDING

    def stub(h):
        ...  # the student's body goes here

    def unfinished(h):
        raise NotImplementedError

    for answer in (..., None):
        assert not check_number(answer, 1.0)
    assert not check_function(stub, [((1,), 2)]) and not check_function(unfinished, [((1,), 2)])
    assert not check_function(..., [((1,), 2)])
    out = capsys.readouterr().out
    assert out.count(PENDING) == 5 and FAIL not in out, out


def test_a_verdict_knows_its_answer_and_whether_it_is_pending(capsys):
    from utils.checks.verdicts import FAIL, PENDING, Verdict, no_answer, returns_nothing

    assert check_number(2.0, 2.0, name="x").name == "x" and not check_number(2.0, 2.0).pending
    wrong, missing = check_number(3.0, 2.0, name="x"), check_number(..., 2.0, name="y")
    assert (wrong.pending, missing.pending) == (False, True) and not wrong and not missing
    assert Verdict(True, pending=True).pending is False, "a right answer is never pending"

    def stub(h):
        ...

    capsys.readouterr()
    assert not no_answer("z") and not returns_nothing(stub, "size")
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{PENDING} z: no answer yet: replace the `...` with your answer.",
                   f"{PENDING} size: no answer yet: stub returns nothing; replace the `...` in its body."]
    assert FAIL not in "".join(out)


def test_builds_on_names_a_wrong_or_missing_earlier_answer_only(capsys):
    from utils.checks.verdicts import builds_on

    right, wrong, missing = (check_number(a, 2.0, name="width") for a in (2.0, 5.0, ...))
    assert builds_on(None) == "" and builds_on(right) == ""
    assert builds_on(wrong) == (" It builds on width, which is wrong too: fix that first; this may only "
                                "follow from it.")
    assert builds_on(missing) == " It builds on width, which has no answer yet: answer that first."
