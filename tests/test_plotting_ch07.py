"""Tests of the plotting helpers added for chapter 7: a labelled bar chart and a block diagram."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyBboxPatch

from utils.plotting import _box_edge_point, draw_block_diagram, plot_bars


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
