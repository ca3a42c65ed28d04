"""Tests of the plotting helpers added for chapter 2 (the decoded latent grid, marked points on a scatter)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from utils.plotting import mark_points, scatter_2d, show_latent_grid


def _decoded(rows, cols, size=4):
    """Images whose brightness encodes their index: image k is filled with k / (rows * cols)."""
    count = rows * cols
    return torch.arange(count, dtype=torch.float32).div(count).view(count, 1, 1, 1).expand(count, 1, size, size)


def test_show_latent_grid_puts_the_first_row_at_the_bottom_with_z_ticks():
    fig = show_latent_grid(_decoded(2, 3), z1_values=[-1.0, 0.0, 1.0], z2_values=[-2.0, 2.0], title="grid")
    ax = fig.axes[0]
    grid = ax.images[0].get_array()
    assert grid.shape == (8, 12)  # 2 rows × 3 columns of 4×4 images, no padding
    assert grid[6, 1] == pytest.approx(0 / 6)  # bottom-left: images[0] = (z1[0], z2[0])
    assert grid[6, 9] == pytest.approx(2 / 6)  # bottom-right: images[2] = (z1[2], z2[0])
    assert grid[1, 1] == pytest.approx(3 / 6)  # top-left: images[3] = (z1[0], z2[1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-1", "0", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2", "-2"]  # top to bottom
    assert list(ax.get_xticks()) == pytest.approx([1.5, 5.5, 9.5])  # the centre of each column
    assert ax.get_xlabel().startswith("z₁") and ax.get_ylabel().startswith("z₂")
    assert ax.get_title() == "grid"
    plt.close(fig)


def test_show_latent_grid_accepts_numpy_values_and_a_value_range():
    images = np.zeros((4, 1, 3, 3), dtype=np.float32) - 1
    fig = show_latent_grid(images, np.linspace(0, 1, 2), np.linspace(0, 1, 2), value_range=(-1, 1))
    assert np.allclose(fig.axes[0].images[0].get_array(), 0.0)
    plt.close(fig)


@pytest.mark.parametrize(("z1", "z2"), [([0, 1], [0, 1]), ([], [0, 1, 2]), ([[0, 1, 2]], [0, 1])])
def test_show_latent_grid_rejects_a_count_that_does_not_match(z1, z2):
    with pytest.raises(ValueError, match="6 images"):
        show_latent_grid(_decoded(2, 3), z1, z2)
    plt.close("all")


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
