"""utils.plotting, chapter 6: spectra shown side by side with frequency axes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from utils.plotting import _frequency_edges, show_spectra


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_frequency_edges_put_each_bin_on_its_frequency():
    assert _frequency_edges(4) == (-0.625, 0.375)  # bins at -1/2, -1/4, 0, 1/4
    low, high = _frequency_edges(5)  # bins at -2/5 ... 2/5
    assert np.isclose(low, -0.5) and np.isclose(high, 0.5)


def test_show_spectra_shares_the_colour_scale_and_labels_axes():
    real, fake = torch.zeros(8, 8), torch.ones(8, 8)
    fake[0, 0] = 3.0
    fig = show_spectra({"real": real, "generated": fake.numpy()}, title="spectra")
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
    fig = show_spectra({"a": spectrum, "b": np.ones((4, 4))}, colorbar_label="log₁₀ ratio")
    assert fig.axes[0].images[0].get_clim() == (0.0, 15.0)
    assert [ax.get_ylabel() for ax in fig.axes if not ax.get_title()] == ["log₁₀ ratio"] * 2


def test_show_spectra_own_scales():
    b = np.arange(16.0).reshape(4, 4) + 10
    fig = show_spectra({"a": np.zeros((4, 4)), "b": b}, shared_scale=False)
    assert [ax.images[0].get_clim() for ax in fig.axes if ax.get_title()][1] == (10.0, 25.0)


def test_show_spectra_errors():
    with pytest.raises(ValueError, match="at least one spectrum"):
        show_spectra({})
    with pytest.raises(ValueError, match="same shape"):
        show_spectra({"a": np.zeros((4, 4)), "b": np.zeros((4, 5))})
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        show_spectra({"a": np.zeros((2, 4, 4))})
