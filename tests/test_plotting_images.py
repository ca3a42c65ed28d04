"""utils.plotting.images: the figures' data (grids, rows, the code plane, spectra), not just that they draw."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from utils.plotting import images as figures

pytestmark = pytest.mark.usefixtures("close_figures")


def test_to_unit_range_shapes_and_ranges():
    assert figures.to_unit_range(torch.zeros(28, 28)).shape == (1, 1, 28, 28)
    assert figures.to_unit_range(torch.zeros(3, 8, 8)).shape == (1, 3, 8, 8)
    assert figures.to_unit_range(torch.zeros(5, 8, 8)).shape == (5, 1, 8, 8)
    signed = figures.to_unit_range(torch.tensor([[-1.0, 0.0], [1.0, 0.5]]))
    assert signed.flatten().tolist() == [0.0, 0.5, 1.0, 0.75]
    assert figures.to_unit_range(torch.full((2, 2), 2.0)).max() == 1.0  # clipped
    explicit = figures.to_unit_range(torch.full((2, 2), 0.0), value_range=(-1, 1))
    assert explicit.flatten().tolist() == [0.5] * 4


def test_to_unit_range_errors():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\) with C = 1 or 3"):
        figures.to_unit_range(torch.zeros(2, 4, 8, 8))
    with pytest.raises(ValueError, match="low < high"):
        figures.to_unit_range(torch.zeros(4, 4), value_range=(1, 0))


def test_image_grid_places_each_image():
    images = torch.stack([torch.full((1, 2, 2), v) for v in (0.0, 0.5, 1.0)])
    grid = figures.image_grid(images, nrow=2, padding=1)
    assert grid.shape == (1 + 2 * 3, 1 + 2 * 3)
    assert grid[1, 1] == 0.0 and grid[1, 4] == 0.5 and grid[4, 1] == 1.0 and grid[4, 4] == 1.0  # blank cell
    colour = figures.image_grid(torch.rand(4, 3, 5, 5), nrow=4)
    assert colour.shape == (2 + 7, 2 + 4 * 7, 3)
    with pytest.raises(ValueError, match="nrow"):
        figures.image_grid(images, nrow=0)


def test_show_images_draws_the_grid_grey_with_title():
    images = torch.rand(6, 1, 4, 4)
    fig = figures.show_images(images, nrow=3, title="digits")
    ax = fig.axes[0]
    assert np.allclose(ax.images[0].get_array(), figures.image_grid(images, nrow=3))
    assert ax.images[0].get_cmap().name == "gray" and ax.get_title() == "digits"


def test_show_rows_labels_rows_and_columns():
    rows = {"input": torch.rand(3, 1, 4, 4), "reconstruction": torch.rand(3, 1, 4, 4)}
    fig = figures.show_rows(rows, title="t", column_titles=["a", "b", "c"])
    axes = np.array(fig.axes).reshape(2, 3)
    assert [axes[r, 0].get_ylabel() for r in range(2)] == ["input", "reconstruction"]
    assert [axes[0, c].get_title() for c in range(3)] == ["a", "b", "c"]
    assert np.allclose(axes[1, 2].images[0].get_array(), rows["reconstruction"][2, 0])


def test_show_rows_errors():
    with pytest.raises(ValueError, match="at least one row"):
        figures.show_rows({})
    with pytest.raises(ValueError, match="same number of images"):
        figures.show_rows({"a": torch.rand(2, 1, 4, 4), "b": torch.rand(3, 1, 4, 4)})
    with pytest.raises(ValueError, match="column_titles has 1 entries for 2 columns"):
        figures.show_rows({"a": torch.rand(2, 1, 4, 4)}, column_titles=["x"])


def test_show_rows_draws_every_row_on_one_range():
    digits = torch.full((2, 1, 4, 4), 0.5)
    pca = torch.full((2, 1, 4, 4), 0.5)
    pca[0, 0, 0, 0] = -0.2  # one slightly negative pixel (an unclamped PCA reconstruction)
    with pytest.raises(ValueError, match=r"'PCA' have values below 0 \(down to -0.2\).*value_range=\(0, 1\)"):
        figures.show_rows({"digits": digits, "PCA": pca})
    fig = figures.show_rows({"digits": digits, "PCA": pca}, value_range=(0, 1))
    axes = np.array(fig.axes).reshape(2, 2)
    for r in range(2):  # both rows drawn on [0, 1]: 0.5 stays 0.5 (not 0.75, as on [-1, 1])
        assert axes[r, 1].images[0].get_array()[0, 0] == 0.5
    assert axes[1, 0].images[0].get_array()[0, 0] == 0.0  # the negative pixel is clipped to black


def test_shared_range_detects_one_range_for_the_whole_figure():
    unit, signed = torch.rand(2, 1, 4, 4), torch.rand(2, 1, 4, 4) * 2 - 1
    assert figures.shared_range({"a": unit, "b": unit}) == (0.0, 1.0)
    assert figures.shared_range({"a": signed, "b": signed.numpy()}) == (-1.0, 1.0)  # tanh outputs (chapter 6)
    assert figures.shared_range({"a": unit, "b": signed}, value_range=(-1, 1)) == (-1, 1)
    with pytest.raises(ValueError, match="'b' have values below 0"):
        figures.shared_range({"a": unit, "b": signed})
    fig = figures.show_rows({"a": signed, "b": signed})  # a [-1, 1] figure is drawn as before
    assert np.allclose(fig.axes[0].images[0].get_array(), (signed[0, 0] + 1) / 2)


def test_show_interpolation_marks_the_ends():
    fig = figures.show_interpolation({"latent": torch.rand(5, 1, 4, 4), "pixels": torch.rand(5, 1, 4, 4)})
    titles = [ax.get_title() for ax in fig.axes[:5]]
    assert titles[0].startswith("start") and titles[-1].startswith("end") and titles[2] == "t=0.5"
    with pytest.raises(ValueError, match="at least 2"):
        figures.show_interpolation({"latent": torch.rand(1, 1, 4, 4)})


def _decoded(rows, cols, size=4):
    """Images whose brightness encodes their index: image k is filled with k / (rows * cols)."""
    count = rows * cols
    return torch.arange(count, dtype=torch.float32).div(count).view(count, 1, 1, 1).expand(count, 1, size, size)


def test_show_latent_grid_puts_the_first_row_at_the_bottom_with_z_ticks():
    fig = figures.show_latent_grid(_decoded(2, 3), z1_values=[-1.0, 0.0, 1.0], z2_values=[-2.0, 2.0], title="grid")
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
    fig = figures.show_latent_grid(images, np.linspace(0, 1, 2), np.linspace(0, 1, 2), value_range=(-1, 1))
    assert np.allclose(fig.axes[0].images[0].get_array(), 0.0)
    plt.close(fig)


@pytest.mark.parametrize(("z1", "z2"), [([0, 1], [0, 1]), ([], [0, 1, 2]), ([[0, 1, 2]], [0, 1])])
def test_show_latent_grid_rejects_a_count_that_does_not_match(z1, z2):
    with pytest.raises(ValueError, match="6 images"):
        figures.show_latent_grid(_decoded(2, 3), z1, z2)
    plt.close("all")


def test_frequency_edges_put_each_bin_on_its_frequency():
    assert figures._frequency_edges(4) == (-0.625, 0.375)  # bins at -1/2, -1/4, 0, 1/4
    low, high = figures._frequency_edges(5)  # bins at -2/5 ... 2/5
    assert np.isclose(low, -0.5) and np.isclose(high, 0.5)


def test_show_spectra_shares_the_colour_scale_and_labels_axes():
    real, fake = torch.zeros(8, 8), torch.ones(8, 8)
    fake[0, 0] = 3.0
    fig = figures.show_spectra({"real": real, "generated": fake.numpy()}, title="spectra")
    image_axes = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert [ax.get_title() for ax in image_axes] == ["real", "generated"]
    assert len(fig.axes) == 4  # two panels, two colour bars
    for ax in image_axes:
        assert ax.images[0].get_clim() == (0.0, 3.0)
        assert ax.get_xlabel() == "horizontal frequency (cycles/pixel)" and "cycles/pixel" in ax.get_ylabel()
        assert ax.images[0].get_extent() == [-0.5625, 0.4375, 0.4375, -0.5625]
    assert np.array_equal(image_axes[1].images[0].get_array(), fake.numpy())
    assert fig._suptitle.get_text() == "spectra"


def test_show_spectra_ignores_blank_bins_and_labels_the_colour_bar():
    spectrum = np.arange(16.0).reshape(4, 4)
    spectrum[2, 2] = np.nan  # the zero frequency, left out
    fig = figures.show_spectra({"a": spectrum, "b": np.ones((4, 4))}, colorbar_label="log₁₀ ratio")
    assert fig.axes[0].images[0].get_clim() == (0.0, 15.0)
    assert [ax.get_ylabel() for ax in fig.axes if not ax.get_title()] == ["log₁₀ ratio"] * 2


def test_show_spectra_own_scales():
    b = np.arange(16.0).reshape(4, 4) + 10
    fig = figures.show_spectra({"a": np.zeros((4, 4)), "b": b}, shared_scale=False)
    assert [ax.images[0].get_clim() for ax in fig.axes if ax.get_title()][1] == (10.0, 25.0)


def test_show_spectra_errors():
    with pytest.raises(ValueError, match="at least one spectrum"):
        figures.show_spectra({})
    with pytest.raises(ValueError, match="same shape"):
        figures.show_spectra({"a": np.zeros((4, 4)), "b": np.zeros((4, 5))})
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        figures.show_spectra({"a": np.zeros((2, 4, 4))})
