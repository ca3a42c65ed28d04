"""utils.diagrams: annotated number grids and animation frames (chapter 1), block diagrams (chapter 7)."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.patches import FancyBboxPatch

from utils.diagrams import _box_edge_point, draw_block_diagram, draw_grid, figure_to_array, frames_over, show_grids

pytestmark = pytest.mark.usefixtures("close_figures")


def test_draw_grid_writes_every_value_and_skips_nan():
    fig, ax = plt.subplots()
    draw_grid(ax, torch.tensor([[1.0, float("nan")], [2.5, -3.0]]), title="g", highlight=(0, 0, 1, 2))
    assert sorted(t.get_text() for t in ax.texts) == ["-3", "1", "2.5"]
    assert ax.get_title() == "g" and len(ax.patches) == 1
    assert ax.patches[0].get_width() == 2 and ax.patches[0].get_height() == 1


def test_draw_grid_refuses_non_2d():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="2-D grid"):
        draw_grid(ax, torch.zeros(2, 2, 2))


def test_show_grids_one_panel_per_grid_with_titles():
    fig = show_grids({"input": torch.ones(3, 3), "kernel": torch.eye(2)}, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["input", "kernel"]
    assert np.array_equal(fig.axes[1].images[0].get_array(), np.eye(2))
    with pytest.raises(ValueError, match="at least one grid"):
        show_grids({})


def test_figure_to_array_and_frames():
    fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    array = figure_to_array(fig)
    assert array.shape == (50, 100, 3) and 0 <= array.min() and array.max() <= 1
    frames = frames_over([{"a": {"values": torch.eye(2)}}, {"a": {"values": torch.ones(2, 2)}}],
                         figsize=(2, 2), suptitles=["one", "two"])
    assert len(frames) == 2 and frames[0].shape == frames[1].shape and not np.array_equal(frames[0], frames[1])
    with pytest.raises(ValueError, match="at least one frame"):
        frames_over([])


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
