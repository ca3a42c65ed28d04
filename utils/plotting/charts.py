"""Charts of numbers: training curves, a bottleneck sweep with its compression ratios, bar charts, scores
per cross-validation fold, and a model's summary table as text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def plot_curves(curves: Mapping[str, Sequence[float]], xlabel: str = "epoch", ylabel: str = "loss",
                title: str | None = None, logy: bool = False, x: Sequence[float] | None = None,
                ax=None) -> plt.Figure:
    """Plot named curves (e.g. train and validation loss per epoch) on one labelled axis."""
    if not curves:
        raise ValueError("plot_curves needs at least one curve, e.g. {'train': losses}.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 3.8))
    else:
        fig = ax.figure
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        xs = np.arange(1, len(values) + 1) if x is None else np.asarray(x)
        if len(xs) != len(values):
            raise ValueError(f"Curve {name!r} has {len(values)} values for {len(xs)} x positions.")
        ax.plot(xs, values, marker="o" if len(values) <= 30 else None, markersize=3, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    return _finish(fig, ax, title)


def _finish(fig: plt.Figure, ax, title: str | None) -> plt.Figure:
    """Give a line plot its title, a light grid and a legend; tighten the layout; return the figure."""
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_bottleneck_sweep(series: Mapping[str, tuple[Sequence[float], Sequence[float]]], input_size: int,
                          ylabel: str = "PSNR (dB)", title: str | None = None, ax=None) -> plt.Figure:
    """Plot named ``(sizes, scores)`` series against bottleneck size (log axis), with a top axis for the
    compression ratio ``input_size / size`` (chapter 5)."""
    if not series:
        raise ValueError("plot_bottleneck_sweep needs at least one series, e.g. {'sweep': (sizes, psnrs)}.")
    if input_size <= 0:
        raise ValueError(f"input_size must be positive, got {input_size}.")
    fig, ax = plt.subplots(figsize=(7.2, 4.2)) if ax is None else (ax.figure, ax)
    ticks = set()
    for name, (sizes, values) in series.items():
        sizes, values = np.asarray(sizes, dtype=float), np.asarray(values, dtype=float)
        if len(sizes) == 0 or len(sizes) != len(values):
            raise ValueError(f"Series {name!r} has {len(sizes)} sizes and {len(values)} scores (need >= 1, equal).")
        if (sizes <= 0).any():
            raise ValueError(f"Series {name!r} has a bottleneck size <= 0; sizes must be positive.")
        ax.plot(sizes, values, marker="o", linestyle="-" if len(sizes) > 1 else "none", label=name)
        ticks.update(sizes.tolist())
    ticks = sorted(ticks)
    ax.set_xscale("log")
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks], fontsize=8)
    ax.minorticks_off()
    ax.set_xlabel("bottleneck size (numbers per image)")
    ax.set_ylabel(ylabel)
    ratio = lambda s: input_size / np.maximum(np.asarray(s, dtype=float), 1e-9)  # its own inverse
    top = ax.secondary_xaxis("top", functions=(ratio, ratio))
    labels = [f"{input_size / t:.0f}×" if input_size >= 10 * t else f"{input_size / t:.3g}×" for t in ticks]
    top.set_xticks([input_size / t for t in ticks], labels, fontsize=8)
    top.minorticks_off()
    top.set_xlabel(f"compression ratio ({input_size} / bottleneck size)")
    return _finish(fig, ax, title)


def plot_bars(values: Mapping[str, float], ylabel: str = "value", title: str | None = None,
              reference: Mapping[str, float] | None = None, reference_label: str = "reference",
              fmt: str = "{:.3f}", ax=None) -> plt.Figure:
    """Bar chart of named numbers, each bar labelled with its value (e.g. test accuracy per model, chapter 7).

    ``reference`` maps some of the names to a level drawn as a dashed line across their bar (e.g. a best possible).
    """
    if not values:
        raise ValueError("plot_bars needs at least one value, e.g. {'model A': 0.9}.")
    reference = dict(reference or {})
    unknown = sorted(set(reference) - set(values))
    if unknown:
        raise ValueError(f"reference names {unknown} are not among the bars {list(values)}.")
    fig, ax = plt.subplots(figsize=(1.6 * len(values) + 2.0, 3.8)) if ax is None else (ax.figure, ax)
    names, heights = list(values), [float(v) for v in values.values()]
    bars = ax.bar(names, heights, color=plt.rcParams["axes.prop_cycle"].by_key()["color"][:len(names)])
    ax.bar_label(bars, labels=[fmt.format(h) for h in heights], padding=2,
                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})  # readable over a reference line
    for i, name in enumerate(names):
        if name in reference:
            ax.hlines(reference[name], i - 0.45, i + 0.45, colors="black", linestyles="--",
                      label=reference_label if name == next(iter(reference)) else None)
    top = max(heights + list(reference.values()) + [0.0])
    ax.set_ylim(min(0.0, *heights), top * 1.15 if top > 0 else 1.0)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if reference:
        ax.legend(loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_fold_scores(scores: Mapping[str, Mapping[str, Sequence[float]]], title: str | None = None,
                     fmt: str = "{:.3g}") -> plt.Figure:
    """One panel per metric of ``scores`` (metric -> model -> one value per fold): the mean over the folds as
    a labelled bar, ± one standard deviation as an error bar, and each fold as a dot (chapter 7)."""
    if not scores or not all(scores.values()):
        raise ValueError("plot_fold_scores needs {metric: {model: [value per fold, ...]}}, none empty.")
    fig, axes = plt.subplots(1, len(scores), squeeze=False, figsize=(4.2 * len(scores), 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (metric, models) in zip(axes[0], scores.items()):
        values = [np.asarray(v, dtype=float) for v in models.values()]
        means = [v.mean() for v in values]
        spreads = [v.std(ddof=1) if len(v) > 1 else 0.0 for v in values]
        ax.barh(list(models), means, xerr=spreads, color=colors[:len(models)], alpha=0.8, capsize=3)
        right = max(max(v.max(), m + s) for v, m, s in zip(values, means, spreads))
        left = min(0.0, *(min(v.min(), m - s) for v, m, s in zip(values, means, spreads)))
        for i, (v, m) in enumerate(zip(values, means)):
            ax.plot(v, np.full(len(v), i), "k.", markersize=4)
            ax.text(right + 0.03 * (right - left), i, fmt.format(m), va="center", fontsize=8)
        ax.set_xlim(left - 0.02 * (right - left), right + 0.22 * (right - left))
        ax.invert_yaxis()
        ax.set_xlabel(metric)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[0][1:]:
        ax.set_yticklabels([])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def model_summary(model, **kwargs) -> str:
    """Return torchinfo's summary table of ``model`` as text (kwargs go to ``torchinfo.summary``).

    It also repairs torchinfo 1.8's unit labels on Python ≥ 3.11 ("Units.MEGABYTES" becomes "M").
    """
    from torchinfo import summary

    kwargs.setdefault("verbose", 0)
    text = str(summary(model, **kwargs))
    for name, short in (("TERABYTES", "T"), ("GIGABYTES", "G"), ("MEGABYTES", "M"), ("NONE", "")):
        text = text.replace(f" (Units.{name})", f" ({short})" if short else "")
    return text
