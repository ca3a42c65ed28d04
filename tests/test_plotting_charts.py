"""utils.plotting.charts: curves, the bottleneck sweep's two axes, bars, fold scores and the model summary."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from utils.plotting.charts import plot_bars, plot_bottleneck_sweep, plot_curves, plot_fold_scores

pytestmark = pytest.mark.usefixtures("close_figures")


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


def test_model_summary_is_text_with_readable_units():
    from torch import nn

    from utils.plotting.charts import model_summary

    text = model_summary(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU()), input_size=(1, 1, 28, 28), device="cpu")
    assert "Conv2d" in text and "Total params: 40" in text
    assert "Units." not in text and "Total mult-adds (M):" in text


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
