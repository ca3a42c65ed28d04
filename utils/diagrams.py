"""Small annotated grids for explaining convolutions (chapter 1): matrices, kernels, animation frames."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch


def _as_2d(values) -> np.ndarray:
    array = values.detach().cpu().numpy() if torch.is_tensor(values) else np.asarray(values)
    array = np.squeeze(array) if array.ndim > 2 else array
    if array.ndim != 2:
        raise ValueError(f"Expected a 2-D grid of numbers, got shape {array.shape}.")
    return array.astype(float)


def draw_grid(ax, values, title: str = "", highlight: tuple[int, int, int, int] | None = None,
              cmap: str = "Blues", annotate: bool = True, vmin=None, vmax=None, fmt: str = "{:g}") -> None:
    """Draw a 2-D grid of numbers as coloured cells with the values written in (and a highlighted box).

    ``highlight`` is ``(row, col, height, width)`` of a rectangle drawn in orange.
    """
    array = _as_2d(values)
    ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax)
    if annotate:
        limit = np.nanmax(np.abs(array)) if np.isfinite(array).any() else 0
        for (r, c), value in np.ndenumerate(array):
            if np.isnan(value):
                continue
            dark = vmax is None and limit > 0 and abs(value) > 0.6 * limit
            ax.text(c, r, fmt.format(round(value, 2)), ha="center", va="center", fontsize=9,
                    color="white" if dark else "black")
    ax.set_xticks(np.arange(-0.5, array.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, array.shape[0], 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    if highlight is not None:
        r, c, h, w = highlight
        box = plt.Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="#e8710a", linewidth=3, clip_on=False)
        ax.add_patch(box)
    ax.set_title(title, fontsize=11)


def show_grids(grids: Mapping[str, object], title: str | None = None, inches_per_cell: float = 0.45,
               **options) -> plt.Figure:
    """Show several number grids side by side, each titled by its key (e.g. input, kernel, output)."""
    if not grids:
        raise ValueError("show_grids needs at least one grid, e.g. {'input': x}.")
    arrays = {name: _as_2d(values) for name, values in grids.items()}
    widths = [a.shape[1] for a in arrays.values()]
    height = max(a.shape[0] for a in arrays.values())
    fig, axes = plt.subplots(1, len(arrays), squeeze=False, gridspec_kw={"width_ratios": widths},
                             figsize=(max(3, sum(widths) * inches_per_cell + 0.5 * len(arrays)),
                                      height * inches_per_cell + 0.8))
    for ax, (name, array) in zip(axes[0], arrays.items()):
        draw_grid(ax, array, title=name, **options)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def figure_to_array(fig: plt.Figure) -> np.ndarray:
    """Render a matplotlib figure to an (H, W, 3) float array in [0, 1] and close it (animation frames)."""
    fig.canvas.draw()
    array = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(np.float32) / 255
    plt.close(fig)
    return array


def frames_over(grids_per_frame: Sequence[Mapping[str, dict]], figsize=(7.5, 3.2), suptitles=None) -> list:
    """Draw one figure per frame (each a mapping name -> ``draw_grid`` keyword arguments) as arrays."""
    if not grids_per_frame:
        raise ValueError("frames_over needs at least one frame.")
    frames = []
    for i, grids in enumerate(grids_per_frame):
        widths = [_as_2d(g["values"]).shape[1] for g in grids.values()]
        fig, axes = plt.subplots(1, len(grids), squeeze=False, figsize=figsize, gridspec_kw={"width_ratios": widths})
        for ax, (name, options) in zip(axes[0], grids.items()):
            draw_grid(ax, title=name, **options)
        if suptitles:
            fig.suptitle(suptitles[i], fontsize=11)
        fig.tight_layout()
        frames.append(figure_to_array(fig))
    return frames
