"""utils.plotting.interactive: plotly scatters, marked points, and how the book stores them."""

import numpy as np
import pytest
import torch

from utils.plotting.interactive import mark_points, scatter_2d, scatter_3d, show_plotly
from utils.results import RESULTS_ENV


def test_scatters_have_one_trace_per_label():
    points = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    fig = scatter_2d(points, torch.tensor([1, 0, 1]), title="codes")
    assert [trace.name for trace in fig.data] == ["0", "1"]
    assert list(fig.data[1].x) == [0.0, 4.0] and fig.layout.title.text == "codes"
    fig3 = scatter_3d(np.random.rand(10, 3))
    assert len(fig3.data) == 1 and fig3.data[0].type == "scatter3d" and len(fig3.data[0].z) == 10
    assert fig3.layout.scene.camera.eye.x == 1.6 and fig3.layout.scene.xaxis.title.text == "x₁"
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        scatter_2d(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="2 labels for 3 points"):
        scatter_2d(points, [0, 1])


def test_show_plotly_stores_html_for_the_book(clean_env, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    fig = scatter_2d(np.zeros((2, 2)))
    clean_env.setenv(RESULTS_ENV, str(tmp_path / "r.json"))
    show_plotly(fig)
    html = shown[0].data
    assert "Plotly.newPlot" in html and "plotly.min.js" not in html and "<script src" not in html
    clean_env.delenv(RESULTS_ENV)
    called = []
    monkeypatch.setattr(type(fig), "show", lambda self: called.append(True))
    show_plotly(fig)
    assert called == [True] and len(shown) == 1


def test_mark_points_adds_a_labelled_trace():
    fig = scatter_2d(torch.randn(20, 2), torch.randint(0, 3, (20,)))
    before = len(fig.data)
    returned = mark_points(fig, torch.tensor([[0.0, 1.0], [2.0, -1.0]]))
    assert returned is fig and len(fig.data) == before + 1
    trace = fig.data[-1]
    assert list(trace.x) == [0.0, 2.0] and list(trace.y) == [1.0, -1.0]
    assert list(trace.text) == ["1", "2"] and trace.name == "chosen points"
    mark_points(fig, [(0.5, 0.5)], texts=["A"], name="mine")
    assert list(fig.data[-1].text) == ["A"] and fig.data[-1].name == "mine"


@pytest.mark.parametrize(("points", "texts", "message"), [
    ([[0.0, 1.0, 2.0]], None, r"shaped \(N, 2\)"),
    (np.zeros((0, 2)), None, r"shaped \(N, 2\)"),
    ([[0.0, 1.0]], ["a", "b"], "2 texts for 1 points"),
])
def test_mark_points_rejects_bad_input(points, texts, message):
    fig = scatter_2d(torch.randn(5, 2))
    with pytest.raises(ValueError, match=message):
        mark_points(fig, points, texts=texts)
