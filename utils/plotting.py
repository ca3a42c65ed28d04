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
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


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
    if dims == 3:
        layout["scene"] = {f"{a}axis_title": t for a, t in zip("xyz", axis_titles)}
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

    from utils.settings import RESULTS_ENV

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
    from IPython.display import HTML
    from matplotlib import animation

    if len(frames) == 0:
        raise ValueError("animate needs at least one frame.")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"Got {len(titles)} titles for {len(frames)} frames.")
    arrays = [_frame_array(frame, value_range) for frame in frames]
    height, width = arrays[0].shape[:2]
    fig, ax = plt.subplots(figsize=(inches, inches * height / width + (0.4 if titles else 0)))
    _imshow(ax, arrays[0])
    image = ax.images[0]

    def draw(i):
        image.set_data(arrays[i])
        if titles:
            ax.set_title(titles[i])
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

# Helpers added for chapter 5 (keep this line: it marks where they go).

# Helpers added for chapter 6 (keep this line: it marks where they go).

# Helpers added for chapter 7 (keep this line: it marks where they go).
