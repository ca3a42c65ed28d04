"""utils.plotting: the figures' data, not just that they draw."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from utils.plotting import (
    animate,
    image_grid,
    plot_curves,
    scatter_2d,
    scatter_3d,
    show_images,
    show_interpolation,
    show_plotly,
    show_rows,
    to_unit_range,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_to_unit_range_shapes_and_ranges():
    assert to_unit_range(torch.zeros(28, 28)).shape == (1, 1, 28, 28)
    assert to_unit_range(torch.zeros(3, 8, 8)).shape == (1, 3, 8, 8)
    assert to_unit_range(torch.zeros(5, 8, 8)).shape == (5, 1, 8, 8)
    signed = to_unit_range(torch.tensor([[-1.0, 0.0], [1.0, 0.5]]))
    assert signed.flatten().tolist() == [0.0, 0.5, 1.0, 0.75]
    assert to_unit_range(torch.full((2, 2), 2.0)).max() == 1.0  # clipped
    explicit = to_unit_range(torch.full((2, 2), 0.0), value_range=(-1, 1))
    assert explicit.flatten().tolist() == [0.5] * 4


def test_to_unit_range_errors():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\) with C = 1 or 3"):
        to_unit_range(torch.zeros(2, 4, 8, 8))
    with pytest.raises(ValueError, match="low < high"):
        to_unit_range(torch.zeros(4, 4), value_range=(1, 0))


def test_image_grid_places_each_image():
    images = torch.stack([torch.full((1, 2, 2), v) for v in (0.0, 0.5, 1.0)])
    grid = image_grid(images, nrow=2, padding=1)
    assert grid.shape == (1 + 2 * 3, 1 + 2 * 3)
    assert grid[1, 1] == 0.0 and grid[1, 4] == 0.5 and grid[4, 1] == 1.0 and grid[4, 4] == 1.0  # blank cell
    colour = image_grid(torch.rand(4, 3, 5, 5), nrow=4)
    assert colour.shape == (2 + 7, 2 + 4 * 7, 3)
    with pytest.raises(ValueError, match="nrow"):
        image_grid(images, nrow=0)


def test_show_images_draws_the_grid_grey_with_title():
    images = torch.rand(6, 1, 4, 4)
    fig = show_images(images, nrow=3, title="digits")
    ax = fig.axes[0]
    assert np.allclose(ax.images[0].get_array(), image_grid(images, nrow=3))
    assert ax.images[0].get_cmap().name == "gray" and ax.get_title() == "digits"


def test_show_rows_labels_rows_and_columns():
    rows = {"input": torch.rand(3, 1, 4, 4), "reconstruction": torch.rand(3, 1, 4, 4)}
    fig = show_rows(rows, title="t", column_titles=["a", "b", "c"])
    axes = np.array(fig.axes).reshape(2, 3)
    assert [axes[r, 0].get_ylabel() for r in range(2)] == ["input", "reconstruction"]
    assert [axes[0, c].get_title() for c in range(3)] == ["a", "b", "c"]
    assert np.allclose(axes[1, 2].images[0].get_array(), rows["reconstruction"][2, 0])


def test_show_rows_errors():
    with pytest.raises(ValueError, match="at least one row"):
        show_rows({})
    with pytest.raises(ValueError, match="same number of images"):
        show_rows({"a": torch.rand(2, 1, 4, 4), "b": torch.rand(3, 1, 4, 4)})
    with pytest.raises(ValueError, match="column_titles has 1 entries for 2 columns"):
        show_rows({"a": torch.rand(2, 1, 4, 4)}, column_titles=["x"])


def test_show_interpolation_marks_the_ends():
    fig = show_interpolation({"latent": torch.rand(5, 1, 4, 4), "pixels": torch.rand(5, 1, 4, 4)})
    titles = [ax.get_title() for ax in fig.axes[:5]]
    assert titles[0].startswith("start") and titles[-1].startswith("end") and titles[2] == "t=0.5"
    with pytest.raises(ValueError, match="at least 2"):
        show_interpolation({"latent": torch.rand(1, 1, 4, 4)})


def test_plot_curves_plots_each_curve_with_labels():
    fig = plot_curves({"train": [3, 2, 1], "validation": [4, 3, 2.5]}, ylabel="MSE", title="loss", logy=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["train", "validation"]
    assert ax.lines[1].get_ydata().tolist() == [4, 3, 2.5] and ax.lines[0].get_xdata().tolist() == [1, 2, 3]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "MSE" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="3 values for 2 x positions"):
        plot_curves({"train": [1, 2, 3]}, x=[1, 2])
    with pytest.raises(ValueError, match="at least one curve"):
        plot_curves({})


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
    clean_env.setenv("COURSE_RESULTS_FILE", str(tmp_path / "r.json"))
    show_plotly(fig)
    html = shown[0].data
    assert "Plotly.newPlot" in html and "plotly.min.js" not in html and "<script src" not in html
    clean_env.delenv("COURSE_RESULTS_FILE")
    called = []
    monkeypatch.setattr(type(fig), "show", lambda self: called.append(True))
    show_plotly(fig)
    assert called == [True] and len(shown) == 1


def test_animate_embeds_every_frame():
    frames = [torch.full((1, 6, 6), v) for v in (0.0, 0.5, 1.0)]
    html = animate(frames, titles=["a", "b", "c"], interval_ms=100).data
    assert html.count("data:image/png;base64") == 3 and "anim" in html
    grid_frames = [torch.rand(4, 3, 6, 6), torch.rand(4, 3, 6, 6)]
    assert animate(grid_frames).data.count("data:image/png;base64") == 2
    with pytest.raises(ValueError, match="at least one frame"):
        animate([])
    with pytest.raises(ValueError, match="2 titles for 3 frames"):
        animate(frames, titles=["a", "b"])


def test_model_summary_is_text_with_readable_units():
    from torch import nn

    from utils.plotting import model_summary

    text = model_summary(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU()), input_size=(1, 1, 28, 28), device="cpu")
    assert "Conv2d" in text and "Total params: 40" in text
    assert "Units." not in text and "Total mult-adds (M):" in text
