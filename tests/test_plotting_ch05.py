"""Tests of the plotting helper added for chapter 5 (bottleneck sweep with a compression-ratio axis)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from utils.plotting import plot_bottleneck_sweep


def _top_axis(ax):
    (top,) = [child for child in ax.child_axes]
    return top


def test_plot_bottleneck_sweep_draws_series_and_ratio_axis():
    fig = plot_bottleneck_sweep({"sweep": ([16, 64, 256], [18.0, 21.5, 24.0]), "long run": ([200], [24.5])},
                                input_size=3072, title="PSNR against bottleneck size")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["sweep", "long run"]
    assert ax.get_lines()[1].get_linestyle() == "None"  # a single point is a marker, not a line
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel().startswith("bottleneck size") and ax.get_ylabel() == "PSNR (dB)"
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["16", "64", "200", "256"]
    top = _top_axis(ax)
    assert "compression ratio" in top.get_xlabel()
    assert [tick.get_text() for tick in top.get_xticklabels()] == ["192×", "48×", "15×", "12×"]
    assert ax.get_title() == "PSNR against bottleneck size"
    plt.close(fig)


def test_plot_bottleneck_sweep_ratio_axis_maps_sizes_to_ratios():
    fig = plot_bottleneck_sweep({"sweep": ([32, 1024], [19.0, 26.0])}, input_size=3072)
    ax = fig.axes[0]
    top = _top_axis(ax)
    assert list(top.get_xticks()) == pytest.approx([96.0, 3.0])
    fig.canvas.draw()
    for size in (32, 100, 1024):  # a size on the bottom axis sits above its ratio on the top axis
        bottom_x = ax.transData.transform((size, 0))[0]
        top_x = top.transData.transform((3072 / size, 0))[0]
        assert bottom_x == pytest.approx(top_x, abs=0.01)
    plt.close(fig)


def test_plot_bottleneck_sweep_uses_a_given_axis():
    fig, axes = plt.subplots(1, 2)
    returned = plot_bottleneck_sweep({"a": ([8, 16], [1.0, 2.0])}, input_size=64, ylabel="score", ax=axes[1])
    assert returned is fig
    assert axes[1].get_ylabel() == "score" and not axes[0].get_lines()
    plt.close(fig)


@pytest.mark.parametrize(("series", "input_size", "message"), [
    ({}, 3072, "at least one series"),
    ({"a": ([16, 32], [1.0])}, 3072, "2 sizes and 1 scores"),
    ({"a": ([], [])}, 3072, "0 sizes"),
    ({"a": ([0, 32], [1.0, 2.0])}, 3072, "<= 0"),
    ({"a": ([16], [1.0])}, 0, "input_size must be positive"),
])
def test_plot_bottleneck_sweep_rejects_bad_input(series, input_size, message):
    with pytest.raises(ValueError, match=message):
        plot_bottleneck_sweep(series, input_size=input_size)
    plt.close("all")
