"""utils.diagrams: annotated number grids and animation frames (chapter 1)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from utils.diagrams import draw_grid, figure_to_array, frames_over, show_grids


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


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
