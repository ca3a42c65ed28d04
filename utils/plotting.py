"""Figures for the course: image grids, reconstruction rows, curves, scatters and animations.

Matplotlib for images and curves (they end up as PNGs in the book), plotly for interactive
scatters, and JavaScript animations (``to_jshtml``) that play both in the static book and in Colab.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

GREY = "gray"


def to_unit_range(images, value_range: tuple[float, float] | None = None) -> torch.Tensor:
    """Return ``images`` as a float (N, C, H, W) tensor in [0, 1]; [-1, 1] input is detected or given.

    Accepts (H, W), (C, H, W), (N, H, W) with a grey image stack, or (N, C, H, W) with C in {1, 3}.
    """
    images = torch.as_tensor(np.asarray(images) if not torch.is_tensor(images) else images)
    images = images.detach().to("cpu", torch.float32)
    if images.dim() == 2:
        images = images[None, None]
    elif images.dim() == 3:
        images = images[None] if images.shape[0] in (1, 3) else images[:, None]
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"Expected images shaped (N, C, H, W) with C = 1 or 3, got {tuple(images.shape)}.")
    if value_range is None:
        value_range = (-1.0, 1.0) if images.min() < 0 else (0.0, 1.0)
    low, high = value_range
    if high <= low:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range}.")
    return ((images - low) / (high - low)).clamp(0, 1)


def image_grid(images, nrow: int = 8, padding: int = 2, value_range=None) -> np.ndarray:
    """Tile images into one (H, W) or (H, W, 3) array in [0, 1], ``nrow`` images per row."""
    images = to_unit_range(images, value_range)
    if nrow < 1:
        raise ValueError(f"nrow must be at least 1, got {nrow}.")
    n, c, h, w = images.shape
    rows = -(-n // nrow)
    grid = torch.ones(c, rows * (h + padding) + padding, nrow * (w + padding) + padding)
    for i, image in enumerate(images):
        top, left = padding + (i // nrow) * (h + padding), padding + (i % nrow) * (w + padding)
        grid[:, top:top + h, left:left + w] = image
    grid = grid.permute(1, 2, 0).numpy()
    return grid[..., 0] if c == 1 else grid


def _imshow(ax, array: np.ndarray) -> None:
    ax.imshow(array, cmap=GREY if array.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def show_images(images, nrow: int = 8, title: str | None = None, value_range=None,
                inches_per_image: float = 0.8) -> plt.Figure:
    """Show a grid of images (grey or colour, [0, 1] or [-1, 1]) with an optional title."""
    grid = image_grid(images, nrow=nrow, value_range=value_range)
    n = len(to_unit_range(images, value_range))
    cols, rows = min(n, nrow), -(-n // nrow)
    fig, ax = plt.subplots(figsize=(max(2.5, cols * inches_per_image), rows * inches_per_image + 0.4))
    _imshow(ax, grid)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_rows(rows: Mapping[str, object], title: str | None = None, value_range=None,
              column_titles: Sequence[str] | None = None, inches_per_image: float = 0.9) -> plt.Figure:
    """Show one labelled row per entry, e.g. ``{"input": x, "reconstruction": y, "target": t}``."""
    if not rows:
        raise ValueError("show_rows needs at least one row, e.g. {'input': images}.")
    arrays = {name: to_unit_range(images, value_range) for name, images in rows.items()}
    counts = {len(images) for images in arrays.values()}
    if len(counts) != 1:
        raise ValueError(f"Every row needs the same number of images, got {sorted(counts)}.")
    cols = counts.pop()
    if column_titles is not None and len(column_titles) != cols:
        raise ValueError(f"column_titles has {len(column_titles)} entries for {cols} columns.")
    fig, axes = plt.subplots(len(arrays), cols, squeeze=False,
                             figsize=(cols * inches_per_image + 1.2, len(arrays) * inches_per_image + 0.5))
    for r, (name, images) in enumerate(arrays.items()):
        for c in range(cols):
            image = images[c].permute(1, 2, 0).numpy()
            _imshow(axes[r, c], image[..., 0] if image.shape[2] == 1 else image)
            if r == 0 and column_titles is not None:
                axes[r, c].set_title(column_titles[c], fontsize=9)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_interpolation(strips: Mapping[str, object], title: str | None = None,
                       value_range=None) -> plt.Figure:
    """Show interpolation strips (one row each), the columns labelled from start (t=0) to end (t=1)."""
    lengths = {len(to_unit_range(strip, value_range)) for strip in strips.values()}
    if len(lengths) != 1 or min(lengths) < 2:
        raise ValueError(f"Every strip needs the same number (at least 2) of images, got {sorted(lengths)}.")
    steps = lengths.pop()
    column_titles = [f"t={t:.2g}" for t in np.linspace(0, 1, steps)]
    column_titles[0], column_titles[-1] = "start\nt=0", "end\nt=1"
    return show_rows(strips, title=title, value_range=value_range, column_titles=column_titles)


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


def _scatter(points, labels, dims: int, title: str, axis_titles: Sequence[str], marker_size: int):
    import plotly.graph_objects as go

    points = np.asarray(torch.as_tensor(points).detach().cpu()) if not isinstance(points, np.ndarray) else points
    if points.ndim != 2 or points.shape[1] != dims:
        raise ValueError(f"Expected points shaped (N, {dims}), got {points.shape}.")
    labels = np.zeros(len(points), dtype=int) if labels is None else np.asarray(torch.as_tensor(labels).cpu())
    if len(labels) != len(points):
        raise ValueError(f"Got {len(labels)} labels for {len(points)} points.")
    trace = go.Scatter3d if dims == 3 else go.Scattergl if len(points) > 5_000 else go.Scatter
    fig = go.Figure()
    for label in np.unique(labels):
        chosen = points[labels == label]
        coords = dict(zip("xyz", chosen.T))
        fig.add_trace(trace(**coords, mode="markers", name=str(label), marker={"size": marker_size}))
    layout = {"title": title, "legend_title_text": "class", "height": 480, "margin": dict(l=10, r=10, t=50, b=10)}
    if dims == 3:  # a camera a little farther away than plotly's default keeps the axis titles in view
        layout["scene"] = {f"{a}axis_title": t for a, t in zip("xyz", axis_titles)}
        layout["scene_camera"] = {"eye": {"x": 1.6, "y": 1.6, "z": 1.1}}
    else:
        layout.update(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1])
    fig.update_layout(**layout)
    return fig


def scatter_2d(points, labels=None, title: str = "", axis_titles=("z₁", "z₂"), marker_size: int = 4):
    """Return an interactive plotly scatter of (N, 2) points, one colour (legend entry) per label."""
    return _scatter(points, labels, 2, title, axis_titles, marker_size)


def scatter_3d(points, labels=None, title: str = "", axis_titles=("x₁", "x₂", "x₃"), marker_size: int = 3):
    """Return an interactive plotly 3-D scatter of (N, 3) points, one colour per label."""
    return _scatter(points, labels, 3, title, axis_titles, marker_size)


def show_plotly(fig) -> None:
    """Display a plotly figure: interactive in the built book, and in Colab, Kaggle or JupyterLab.

    When the notebook is executed for the book (``COURSE_RESULTS_FILE`` set) the figure is stored as
    HTML that draws with the book's bundled plotly.js; elsewhere plotly's own renderer shows it.
    """
    from IPython.display import HTML, display

    from utils.results import RESULTS_ENV

    if os.environ.get(RESULTS_ENV) and not os.environ.get("PLOTLY_RENDERER"):
        display(HTML(fig.to_html(include_plotlyjs=False, full_html=False, config={"responsive": True})))
    else:
        fig.show()


def animate(frames: Sequence[object], titles: Sequence[str] | None = None, interval_ms: int = 400,
            value_range=None, inches: float = 4.0):
    """Turn a list of images (or image grids) into an animation with play controls (HTML).

    Each frame is anything ``to_unit_range`` accepts, or an (H, W[, 3]) array from ``image_grid``.
    The result plays in the static book and in Colab; display it as a cell's last expression.
    """
    if len(frames) == 0:
        raise ValueError("animate needs at least one frame.")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"Got {len(titles)} titles for {len(frames)} frames.")
    arrays = [_frame_array(frame, value_range) for frame in frames]
    height, width = arrays[0].shape[:2]
    fig, ax = plt.subplots(figsize=(inches, inches * height / width + (0.4 if titles else 0)))
    _imshow(ax, arrays[0])
    return _play(fig, ax, arrays, titles, interval_ms)


def _play(fig: plt.Figure, ax, arrays: Sequence[np.ndarray], titles: Sequence[str] | None, interval_ms: int,
          **title_style):
    """Show ``arrays`` one after another in ``ax``'s image, with per-frame titles; return the player as HTML."""
    from IPython.display import HTML
    from matplotlib import animation

    image = ax.images[0]

    def draw(i):
        image.set_data(arrays[i])
        if titles:
            ax.set_title(titles[i], **title_style)
        return (image,)

    anim = animation.FuncAnimation(fig, draw, frames=len(arrays), interval=interval_ms, blit=False)
    html = anim.to_jshtml(default_mode="loop")
    plt.close(fig)
    return HTML(html)


def _frame_array(frame, value_range) -> np.ndarray:
    """Return one animation frame as an (H, W) or (H, W, 3) array in [0, 1]."""
    array = frame.detach().cpu().float().numpy() if torch.is_tensor(frame) else np.asarray(frame, dtype=np.float32)
    if array.ndim == 3 and array.shape[-1] == 3 and array.shape[0] not in (1, 3):  # (H, W, 3), e.g. a grid
        return np.clip(array, 0, 1)
    unit = to_unit_range(array, value_range)
    if len(unit) > 1:
        return image_grid(unit, nrow=int(np.ceil(np.sqrt(len(unit)))))
    image = unit[0].permute(1, 2, 0).numpy()
    return image[..., 0] if image.shape[2] == 1 else image


# Helpers added for chapters 2-4 (keep this line: it marks where they go).

def show_latent_grid(images, z1_values, z2_values, title: str | None = None, value_range=None,
                     inches_per_image: float = 0.45) -> plt.Figure:
    """Show decoded points of a 2-D code plane as one grid with the code values as axis ticks (chapter 2).

    ``images[i * len(z1_values) + j]`` decodes ``(z1_values[j], z2_values[i])``; row i = 0 is drawn at the bottom.
    """
    unit = to_unit_range(images, value_range)
    z1, z2 = np.asarray(z1_values, dtype=float), np.asarray(z2_values, dtype=float)
    if z1.ndim != 1 or z2.ndim != 1 or len(z1) == 0 or len(z2) == 0 or len(unit) != len(z1) * len(z2):
        raise ValueError(f"Got {len(unit)} images for {z2.size} z₂ values × {z1.size} z₁ values "
                         "(two non-empty 1-D lists whose sizes multiply to the number of images).")
    h, w = unit.shape[2:]
    bottom_up = unit.reshape(len(z2), len(z1), *unit.shape[1:]).flip(0).reshape(unit.shape)
    fig, ax = plt.subplots(figsize=(len(z1) * inches_per_image + 1.2, len(z2) * inches_per_image + 1.0))
    _imshow(ax, image_grid(bottom_up, nrow=len(z1), padding=0))
    ax.set_xticks(w / 2 - 0.5 + w * np.arange(len(z1)), [f"{v:.2g}" for v in z1], fontsize=8)
    ax.set_yticks(h / 2 - 0.5 + h * np.arange(len(z2)), [f"{v:.2g}" for v in z2[::-1]], fontsize=8)
    ax.set_xlabel("z₁ (first code number)")
    ax.set_ylabel("z₂ (second code number)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def mark_points(fig, points, texts: Sequence[str] | None = None, name: str = "chosen points"):
    """Add black, labelled (default 1, 2, ...) markers at (N, 2) ``points`` to a plotly 2-D scatter (chapter 2)."""
    import plotly.graph_objects as go

    points = np.asarray(torch.as_tensor(points, dtype=torch.float32).detach().cpu())
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"Expected points shaped (N, 2) with N >= 1, got {points.shape}.")
    texts = [str(i + 1) for i in range(len(points))] if texts is None else [str(t) for t in texts]
    if len(texts) != len(points):
        raise ValueError(f"Got {len(texts)} texts for {len(points)} points.")
    fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers+text", text=texts, name=name,
                             textposition="top center", marker={"symbol": "x", "size": 12, "color": "black"}))
    return fig


def animate_rows(frames: Sequence[Mapping[str, object]], titles: Sequence[str] | None = None,
                 interval_ms: int = 500, value_range=None, inches_per_image: float = 0.6):
    """Animate labelled rows of images, one ``{row name: images}`` mapping per frame (chapter 4).

    E.g. noisy input / prediction / clean target after every epoch; returns HTML, like ``animate``.
    """
    if len(frames) == 0:
        raise ValueError("animate_rows needs at least one frame, e.g. [{'input': x, 'output': y}].")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"Got {len(titles)} titles for {len(frames)} frames.")
    names = list(frames[0]) if isinstance(frames[0], Mapping) else []
    grids = [_rows_grid(frame, names, i, value_range) for i, frame in enumerate(frames)]
    if len({grid.shape for grid in grids}) != 1:
        raise ValueError("Every frame needs images of the same size and count in each row.")
    cols, rows = len(to_unit_range(frames[0][names[0]], value_range)), len(names)
    fig, ax = plt.subplots(figsize=(cols * inches_per_image + 1.3, rows * inches_per_image + 0.5))
    _imshow(ax, grids[0])
    step = (grids[0].shape[0] - 2) / rows  # image height + image_grid's padding of 2 pixels
    ax.set_yticks([0.5 + step * (r + 0.5) for r in range(rows)], names)
    ax.tick_params(length=0, labelsize=9)
    if titles:
        ax.set_title(titles[0], fontsize=10)  # before tight_layout, so the titles get room
    fig.tight_layout()
    return _play(fig, ax, grids, titles, interval_ms, fontsize=10)


def _rows_grid(frame: Mapping[str, object], names: list[str], index: int, value_range) -> np.ndarray:
    """Tile one frame of ``animate_rows`` (same rows as ``names``, equal counts) into an image array."""
    if not isinstance(frame, Mapping) or list(frame) != names or not names:
        got = list(frame) if isinstance(frame, Mapping) else type(frame).__name__
        raise ValueError(f"Frame {index} has rows {got}; every frame needs to be a mapping with the rows "
                         f"{names} (at least one), in that order.")
    rows = [to_unit_range(frame[name], value_range) for name in names]
    counts = {len(row) for row in rows}
    if len(counts) != 1:
        raise ValueError(f"Frame {index}: every row needs the same number of images, got {sorted(counts)}.")
    return image_grid(torch.cat(rows), nrow=counts.pop(), value_range=(0, 1))


# Helpers added for chapter 5 (keep this line: it marks where they go).

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

# Helpers added for chapter 6 (keep this line: it marks where they go).


def show_spectra(spectra: Mapping[str, object], title: str | None = None, shared_scale: bool = True,
                 cmap: str = "magma", inches: float = 3.4, colorbar_label: str = "log₁₀ power") -> plt.Figure:
    """Show centred 2-D power spectra (name -> (H, W) log10 power) side by side, axes in cycles/pixel (ch. 6)."""
    if not spectra:
        raise ValueError("show_spectra needs at least one spectrum, e.g. {'real': log_power}.")
    arrays = {name: np.asarray(torch.as_tensor(s).detach().cpu(), dtype=float) for name, s in spectra.items()}
    shapes = {a.shape for a in arrays.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError(f"Every spectrum must be one (H, W) array of the same shape, got {sorted(shapes)}.")
    low = min(np.nanmin(a) for a in arrays.values()) if shared_scale else None  # NaN bins (e.g. zero
    high = max(np.nanmax(a) for a in arrays.values()) if shared_scale else None  # frequency) stay blank
    fig, axes = plt.subplots(1, len(arrays), squeeze=False, figsize=(len(arrays) * (inches + 0.9), inches))
    for ax, (name, array) in zip(axes[0], arrays.items()):
        h, w = array.shape
        extent = (*_frequency_edges(w), *_frequency_edges(h)[::-1])  # row 0 (top) is frequency -1/2
        image = ax.imshow(array, cmap=cmap, vmin=low, vmax=high, extent=extent, interpolation="nearest")
        ax.set(title=name, xlabel="horizontal frequency (cycles/pixel)", ylabel="vertical frequency (cycles/pixel)")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=colorbar_label)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _frequency_edges(n: int) -> tuple[float, float]:
    """Outer edges, in cycles/pixel, of n fftshift-ed frequency bins (bin i is at (i - n // 2) / n)."""
    return (-(n // 2) - 0.5) / n, (n - 1 - n // 2 + 0.5) / n

# Helpers added for chapter 7 (keep this line: it marks where they go).

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


def _box_edge_point(centre, toward, half_width: float, half_height: float) -> np.ndarray:
    """Return where the line from a box's ``centre`` to the point ``toward`` leaves the box (chapter 7)."""
    centre, toward = np.asarray(centre, dtype=float), np.asarray(toward, dtype=float)
    dx, dy = toward - centre
    if dx == 0 and dy == 0:
        raise ValueError(f"Cannot draw an arrow from {tuple(centre)} to the same point.")
    scale = min(half_width / abs(dx) if dx else np.inf, half_height / abs(dy) if dy else np.inf)
    return centre + scale * np.array([dx, dy])


def draw_block_diagram(blocks: Mapping[str, tuple], arrows: Sequence[tuple], ax=None, title: str | None = None,
                       colors: Mapping[str, str] | None = None, box_size: tuple[float, float] = (1.8, 0.8),
                       fontsize: float = 9) -> plt.Figure:
    """Draw labelled boxes joined by arrows, e.g. how a network's inputs flow and fuse (chapter 7).

    ``blocks`` maps a name to its centre ``(x, y)`` or ``(x, y, text)``; ``arrows`` holds ``(from, to)`` or
    ``(from, to, label)`` tuples of block names. Returns the figure (``ax``'s, if given).
    """
    from matplotlib.patches import FancyBboxPatch

    if not blocks:
        raise ValueError("draw_block_diagram needs at least one block, e.g. {'input': (0, 0)}.")
    centres, texts = {}, {}
    for name, spec in blocks.items():
        if len(spec) not in (2, 3):
            raise ValueError(f"Block {name!r} must be (x, y) or (x, y, text), got {spec!r}.")
        centres[name], texts[name] = np.asarray(spec[:2], dtype=float), spec[2] if len(spec) == 3 else name
    (half_w, half_h), points = (box_size[0] / 2, box_size[1] / 2), np.array(list(centres.values()))
    (x0, y0), (x1, y1) = points.min(0) - [half_w + 0.2, half_h + 0.3], points.max(0) + [half_w + 0.2, half_h + 0.3]
    fig, ax = plt.subplots(figsize=(0.9 * (x1 - x0), 0.9 * (y1 - y0) + 0.4)) if ax is None else (ax.figure, ax)
    for name, (x, y) in centres.items():
        ax.add_patch(FancyBboxPatch((x - half_w, y - half_h), 2 * half_w, 2 * half_h,
                                    boxstyle="round,pad=0,rounding_size=0.12", edgecolor="#333333",
                                    facecolor=(colors or {}).get(name, "#e8eef7"), linewidth=1.2))
        ax.text(x, y, texts[name], ha="center", va="center", fontsize=fontsize)
    for arrow in arrows:
        if len(arrow) not in (2, 3) or any(end not in centres for end in arrow[:2]):
            raise ValueError(f"Arrow {arrow!r} must be (from, to[, label]) with from and to among {list(centres)}.")
        start = _box_edge_point(centres[arrow[0]], centres[arrow[1]], half_w, half_h)
        end = _box_edge_point(centres[arrow[1]], centres[arrow[0]], half_w, half_h)
        ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "#333333",
                                                          "shrinkA": 0, "shrinkB": 0, "linewidth": 1.2})
        if len(arrow) == 3:
            middle, flat = (start + end) / 2, abs(end[0] - start[0]) >= abs(end[1] - start[1])
            ax.annotate(arrow[2], middle, xytext=(0, 3) if flat else (4, 0), textcoords="offset points",
                        ha="center" if flat else "left", va="bottom" if flat else "center",
                        fontsize=fontsize - 1, color="#b03a2e")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=fontsize + 2)
    return fig
