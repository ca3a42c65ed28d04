"""Tests of the plotting helpers added for chapter 7: bar charts, cross-validation scores, a block diagram."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyBboxPatch

from utils.plotting import _box_edge_point, draw_block_diagram, plot_bars, plot_fold_scores


def test_plot_bars_draws_labelled_bars_and_reference_levels():
    values = {"image only": 0.1, "tabular only": 0.11, "both": 0.97}
    fig = plot_bars(values, ylabel="test accuracy", title="Three models",
                    reference={"image only": 0.1, "both": 1.0}, reference_label="best possible", fmt="{:.1%}")
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.1, 0.11, 0.97])
    assert [t.get_text() for t in ax.get_xticklabels()] == list(values)
    assert sorted(t.get_text() for t in ax.texts) == ["10.0%", "11.0%", "97.0%"]
    lines = ax.collections  # one dashed segment per reference level
    levels = sorted(float(seg[0][1]) for c in lines for seg in c.get_segments())
    assert levels == pytest.approx([0.1, 1.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["best possible"]
    assert ax.get_ylabel() == "test accuracy" and ax.get_title() == "Three models"
    assert ax.get_ylim()[1] > 1.0  # room above the highest level for the value labels
    plt.close(fig)


def test_plot_bars_without_reference_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_bars({"a": 2.0, "b": -1.0}, ax=ax) is fig
    assert ax.get_legend() is None and ax.get_ylim()[0] <= -1.0
    plt.close(fig)


def test_plot_bars_errors():
    with pytest.raises(ValueError, match="at least one value"):
        plot_bars({})
    with pytest.raises(ValueError, match=r"reference names \['c'\]"):
        plot_bars({"a": 1.0}, reference={"c": 1.0})


def test_box_edge_point_leaves_through_the_right_side():
    assert _box_edge_point((0, 0), (10, 0), 1.0, 0.5) == pytest.approx([1.0, 0.0])
    assert _box_edge_point((0, 0), (0, -4), 1.0, 0.5) == pytest.approx([0.0, -0.5])
    assert _box_edge_point((1, 1), (3, 2), 1.0, 0.4) == pytest.approx([1.8, 1.4])  # top edge first
    with pytest.raises(ValueError, match="same point"):
        _box_edge_point((1, 2), (1, 2), 1.0, 1.0)


def test_draw_block_diagram_boxes_texts_and_arrows():
    blocks = {"image": (0, 1), "table": (0, 0, "table\n(B, 10)"), "cat": (3, 0.5)}
    fig = draw_block_diagram(blocks, [("image", "cat", "(B, 32)"), ("table", "cat")], title="Fusion",
                             colors={"cat": "orange"}, box_size=(2.0, 0.6))
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 3
    assert boxes[2].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb("orange"))
    annotations = [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]
    plain = [t.get_text() for t in ax.texts if not isinstance(t, matplotlib.text.Annotation)]
    assert plain == ["image", "table\n(B, 10)", "cat"]
    assert [a.get_text() for a in annotations] == ["", "(B, 32)", ""]  # arrow, its label, arrow
    start, end = np.array(annotations[0].xyann), np.array(annotations[0].xy)
    assert start == pytest.approx([1.0, 1.0 - 1.0 / 6]) and end == pytest.approx([2.0, 0.5 + 1.0 / 6])
    assert not ax.axison and ax.get_title() == "Fusion"
    plt.close(fig)


def test_draw_block_diagram_errors():
    with pytest.raises(ValueError, match="at least one block"):
        draw_block_diagram({}, [])
    with pytest.raises(ValueError, match="must be \\(x, y\\) or"):
        draw_block_diagram({"a": (0,)}, [])
    with pytest.raises(ValueError, match="among \\['a', 'b'\\]"):
        draw_block_diagram({"a": (0, 0), "b": (2, 0)}, [("a", "c")])
    with pytest.raises(ValueError, match="from, to"):
        draw_block_diagram({"a": (0, 0), "b": (2, 0)}, [("a",)])
    plt.close("all")


def test_plot_fold_scores_one_panel_per_metric_with_means_spreads_and_folds():
    scores = {"median APE %": {"baseline": [30.0, 40.0, 50.0], "linear": [15.0, 17.0, 19.0]},
              "R²": {"baseline": [-0.1, 0.0, 0.1], "linear": [0.7, 0.8, 0.9]}}
    fig = plot_fold_scores(scores, title="CV")
    assert len(fig.axes) == 2 and fig._suptitle.get_text() == "CV"
    first, second = fig.axes
    assert [b.get_width() for b in first.patches] == pytest.approx([40.0, 17.0])  # means over folds
    assert [b.get_width() for b in second.patches] == pytest.approx([0.0, 0.8], abs=1e-9)
    assert [t.get_text() for t in first.get_yticklabels()] == ["baseline", "linear"]
    assert first.get_xlabel() == "median APE %" and second.get_xlabel() == "R²"
    assert [t.get_text() for t in first.texts] == ["40", "17"]
    error_bar = next(c for c in first.containers if isinstance(c, matplotlib.container.ErrorbarContainer))
    segments = error_bar.lines[2][0].get_segments()  # ± one standard deviation (ddof 1): 10 and 2
    assert [s[1][0] - s[0][0] for s in segments] == pytest.approx([20.0, 4.0])
    dots = [line for line in first.lines if line.get_marker() == "."]
    assert [list(d.get_xdata()) for d in dots] == [[30.0, 40.0, 50.0], [15.0, 17.0, 19.0]]
    assert first.get_xlim()[1] > 50.0 and second.get_xlim()[0] < -0.1  # room for every fold
    plt.close(fig)


def test_plot_fold_scores_errors():
    with pytest.raises(ValueError, match="none empty"):
        plot_fold_scores({})
    with pytest.raises(ValueError, match="none empty"):
        plot_fold_scores({"R²": {}})
