"""GAN training runs side by side (chapter 9): their scores over seeds as mean ± sd in a table, curves of several
seeds with their mean, and one row per run with its losses, the discriminator's mean outputs and its samples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from utils.plotting.images import _imshow, image_grid

__all__ = ["HISTORY_COLUMNS", "mean_sd", "score_table", "window_means", "plot_seed_curves", "plot_gan_runs"]

HISTORY_COLUMNS = ("loss_D", "D(x)", "D(G(z))", "loss_G")  # the columns of a run's per-step history


def mean_sd(ratings: Sequence[Mapping[str, float]]) -> dict[str, tuple[float, float]]:
    """Each figure's mean and sample standard deviation over seeds (sd 0 for one seed), from one dict per seed."""
    if not ratings or any(set(r) != set(ratings[0]) for r in ratings):
        raise ValueError("give one dict per seed, all with the same figures.")
    values = {name: np.array([r[name] for r in ratings], dtype=float) for name in ratings[0]}
    return {name: (float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0) for name, v in values.items()}


def score_table(rows: Mapping[str, Sequence[Mapping[str, float]]], columns: Mapping[str, str]) -> str:
    """A text table: one row per name with the mean ± sd over its seeds of each figure in ``columns``
    (figure -> column title); a row of one dict (e.g. real digits) shows the value alone."""
    width = max(map(len, rows)) + 2
    lines = [" " * width + "".join(f"{title:>17}" for title in columns.values()) + "   seeds"]
    for name, ratings in rows.items():
        summary = mean_sd(list(ratings))
        cells = [f"{summary[c][0]:.3f}" + (f" ± {summary[c][1]:.3f}" if len(ratings) > 1 else " " * 8)
                 for c in columns]
        lines.append(f"{name:<{width}}" + "".join(f"{cell:>17}" for cell in cells) + f"{len(ratings):>8}")
    return "\n".join(lines)


def window_means(values, window: int) -> np.ndarray:
    """Means over consecutive windows of ``window`` steps along the first axis (a last partial window is
    dropped): (T, ...) -> (T // window, ...)."""
    values = np.asarray(torch.as_tensor(values, dtype=torch.float64))
    if window < 1 or len(values) < window:
        raise ValueError(f"need a window of at least 1 step and at most {len(values)}, got {window}.")
    usable = len(values) // window * window
    return values[:usable].reshape(len(values) // window, window, *values.shape[1:]).mean(1)


def plot_seed_curves(curves: Mapping[str, object], x: Sequence[float], xlabel: str = "training step",
                     ylabel: str = "value", title: str | None = None, ax=None) -> plt.Figure:
    """Plot each named (seeds, T) array: every seed as a thin line, their mean as a thick one, one colour per
    name; the legend says how many seeds."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
    fig = ax.figure
    for i, (name, values) in enumerate(curves.items()):
        values = np.atleast_2d(np.asarray(torch.as_tensor(values, dtype=torch.float64)))
        if values.shape[1] != len(x):
            raise ValueError(f"{name!r} has {values.shape[1]} values per seed for {len(x)} x positions.")
        for seed_values in values:
            ax.plot(x, seed_values, color=f"C{i}", linewidth=0.8, alpha=0.45)
        ax.plot(x, values.mean(0), color=f"C{i}", linewidth=2.2, label=f"{name} (mean of {len(values)} seeds)")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _run_row(axes, name: str, run: Mapping, window: int, nrow: int) -> None:
    """One run's three panels: both losses, D(x) and D(G(z)) (window means), and its samples."""
    means = window_means(run["history"], window)
    steps = (np.arange(len(means)) + 1) * window
    ax_loss, ax_d, ax_img = axes
    for column, colour in (("loss_D", "C0"), ("loss_G", "C1")):
        ax_loss.plot(steps, means[:, HISTORY_COLUMNS.index(column)], color=colour, label=column.replace("_", " "))
    for column, colour in (("D(x)", "C2"), ("D(G(z))", "C3")):
        ax_d.plot(steps, means[:, HISTORY_COLUMNS.index(column)], color=colour, label=column)
    ax_d.axhline(0.5, color="grey", linestyle="--", linewidth=0.8)
    ax_d.set_ylim(-0.02, 1.02)
    ax_loss.set_ylabel(name, fontsize=10, fontweight="bold")
    for ax, what in ((ax_loss, "loss (nats)"), (ax_d, "mean D output")):
        ax.set_title(what, fontsize=9)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7, loc="upper right")
    _imshow(ax_img, image_grid(run["samples"], nrow=nrow, padding=1, value_range=(0, 1)))
    ax_img.set_title(run.get("caption", "samples"), fontsize=9)


def plot_gan_runs(runs: Mapping[str, Mapping], window: int = 25, nrow: int = 8, title: str | None = None,
                  xlabel: str = "training step (generator updates)") -> plt.Figure:
    """One row per run: its losses, its mean D(x) and D(G(z)) (means over ``window`` steps of the per-step
    ``history`` (T, 4), columns ``HISTORY_COLUMNS``) and its ``samples`` (N, 1, H, W) in [0, 1] with a
    ``caption`` (e.g. its scores)."""
    if not runs:
        raise ValueError("plot_gan_runs needs at least one run.")
    fig, axes = plt.subplots(len(runs), 3, figsize=(11, 2.5 * len(runs) + 0.4), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1, 1.1]})
    for row, (name, run) in zip(axes, runs.items()):
        for key in ("history", "samples"):
            if key not in run:
                raise ValueError(f"run {name!r} has no {key!r}.")
        _run_row(row, name, run, window, nrow)
    for ax in axes[-1, :2]:
        ax.set_xlabel(xlabel, fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
