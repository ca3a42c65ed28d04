"""utils.gan_runs: mean ± sd over seeds, the score table, window means and the two figures of GAN runs."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from utils.gan_runs import HISTORY_COLUMNS, mean_sd, plot_gan_runs, plot_seed_curves, score_table, window_means

pytestmark = pytest.mark.usefixtures("close_figures")


def test_mean_sd_over_seeds_uses_the_sample_standard_deviation():
    summary = mean_sd([{"recall": 0.5}, {"recall": 0.7}, {"recall": 0.6}])
    assert summary["recall"][0] == pytest.approx(0.6) and summary["recall"][1] == pytest.approx(0.1)
    assert mean_sd([{"recall": 0.4}]) == {"recall": (0.4, 0.0)}
    with pytest.raises(ValueError, match="same figures"):
        mean_sd([{"recall": 0.5}, {"precision": 0.5}])
    with pytest.raises(ValueError, match="one dict per seed"):
        mean_sd([])


def test_score_table_shows_mean_and_sd_and_the_number_of_seeds():
    table = score_table({"real": [{"a": 0.95}], "three seeds": [{"a": 0.5}, {"a": 0.7}, {"a": 0.6}]},
                        {"a": "confident"})
    header, real, seeds = table.splitlines()
    assert "confident" in header and header.endswith("seeds")
    assert "0.950" in real and "±" not in real and real.endswith(" 1")
    assert "0.600 ± 0.100" in seeds and seeds.endswith(" 3")


def test_window_means_average_consecutive_steps_and_drop_a_partial_window():
    values = torch.arange(10.0)
    assert window_means(values, 3).tolist() == [1.0, 4.0, 7.0]
    history = torch.stack([torch.arange(8.0), -torch.arange(8.0)], 1)           # (8, 2)
    assert window_means(history, 4).tolist() == [[1.5, -1.5], [5.5, -5.5]]
    with pytest.raises(ValueError, match="window"):
        window_means(values, 11)


def test_plot_seed_curves_draws_each_seed_and_the_mean():
    fig = plot_seed_curves({"a": np.array([[0, 1, 2], [2, 3, 4]]), "b": np.ones((3, 3))}, [0, 10, 20],
                           ylabel="modes")
    ax = fig.axes[0]
    assert len(ax.lines) == 2 + 1 + 3 + 1 and ax.get_ylabel() == "modes"
    assert list(ax.lines[2].get_ydata()) == [1, 2, 3]                          # the mean of a's seeds
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a (mean of 2 seeds)", "b (mean of 3 seeds)"]
    with pytest.raises(ValueError, match="x positions"):
        plot_seed_curves({"a": np.zeros((2, 4))}, [0, 1, 2])


def test_plot_gan_runs_has_a_row_of_three_panels_per_run():
    run = {"history": torch.rand(50, len(HISTORY_COLUMNS)), "samples": torch.rand(16, 1, 28, 28),
           "caption": "P 0.5"}
    fig = plot_gan_runs({"first": run, "second": run}, window=10, nrow=8, title="runs")
    assert len(fig.axes) == 6 and fig.axes[0].get_ylabel() == "first" and fig.axes[2].get_title() == "P 0.5"
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[0].lines[0].get_xdata()) == 5
    plt.close(fig)
    with pytest.raises(ValueError, match="no 'samples'"):
        plot_gan_runs({"broken": {"history": run["history"]}})
    with pytest.raises(ValueError, match="at least one run"):
        plot_gan_runs({})
