"""Image figures: grids of images, labelled rows, interpolation strips, a decoded code plane, power spectra.

Every helper accepts grey or colour images in [0, 1] or [-1, 1] (see ``to_unit_range``) and returns the
matplotlib figure, which the book stores as a PNG. A figure has one grey scale: all its rows are drawn on the
same range (``shared_range``), never one row on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

GREY = "gray"


def to_unit_range(images, value_range: tuple[float, float] | None = None) -> torch.Tensor:
    """Return ``images`` as a float (N, C, H, W) tensor in [0, 1]; [-1, 1] input is detected (any value below 0)
    or given. A figure of several rows passes the one range ``shared_range`` chose for all of them.

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


def shared_range(rows: Mapping[str, object], value_range=None) -> tuple[float, float]:
    """The one value range of a figure's named rows: ``value_range`` if given, else (-1, 1) when every row has a
    value below 0 and (0, 1) when none has; rows that disagree raise (pass ``value_range``)."""
    if value_range is not None:
        return tuple(value_range)
    minima = {name: _minimum(images) for name, images in rows.items()}
    signed = [name for name, low in minima.items() if low < 0]
    if not signed:
        return (0.0, 1.0)
    if len(signed) == len(minima):
        return (-1.0, 1.0)
    low = min(minima[name] for name in signed)
    raise ValueError(
        f"Row(s) {', '.join(map(repr, signed))} have values below 0 (down to {low:.3g}) but the others do not, "
        "so no one range fits them all: pass value_range=(0, 1) to draw every row on [0, 1] (values below 0 "
        "shown black), or value_range=(-1, 1) for images scaled to [-1, 1].")


def _minimum(images) -> float:
    """The smallest value of ``images`` (a tensor, an array or nested lists)."""
    return float(torch.as_tensor(np.asarray(images) if not torch.is_tensor(images) else images.detach()).min())


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
    """Show one labelled row per entry, e.g. ``{"input": x, "reconstruction": y, "target": t}``, all rows on one
    grey scale (``shared_range``)."""
    if not rows:
        raise ValueError("show_rows needs at least one row, e.g. {'input': images}.")
    value_range = shared_range(rows, value_range)
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


def show_spectra(spectra: Mapping[str, object], title: str | None = None, shared_scale: bool = True,
                 cmap: str = "magma", inches: float = 3.4, colorbar_label: str = "log₁₀ power") -> plt.Figure:
    """Show centred 2-D power spectra (name -> (H, W) log10 power) side by side, axes in cycles/pixel (chapter 6)."""
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
