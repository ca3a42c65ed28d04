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
