"""Explanatory diagrams: annotated number grids for convolutions (chapter 1: matrices, kernels, animation
frames) and block diagrams of how a network's inputs flow and fuse (chapter 7)."""

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


def _box_edge_point(centre, toward, half_width: float, half_height: float) -> np.ndarray:
    """Return where the line from a box's ``centre`` to the point ``toward`` leaves the box."""
    centre, toward = np.asarray(centre, dtype=float), np.asarray(toward, dtype=float)
    dx, dy = toward - centre
    if dx == 0 and dy == 0:
        raise ValueError(f"Cannot draw an arrow from {tuple(centre)} to the same point.")
    scale = min(half_width / abs(dx) if dx else np.inf, half_height / abs(dy) if dy else np.inf)
    return centre + scale * np.array([dx, dy])


def _block_centres(blocks: Mapping[str, tuple]) -> tuple[dict, dict]:
    """Return each block's centre (an array) and text (its name unless given) from ``draw_block_diagram``'s spec."""
    if not blocks:
        raise ValueError("draw_block_diagram needs at least one block, e.g. {'input': (0, 0)}.")
    centres, texts = {}, {}
    for name, spec in blocks.items():
        if len(spec) not in (2, 3):
            raise ValueError(f"Block {name!r} must be (x, y) or (x, y, text), got {spec!r}.")
        centres[name], texts[name] = np.asarray(spec[:2], dtype=float), spec[2] if len(spec) == 3 else name
    return centres, texts


def _draw_arrow(ax, arrow: tuple, centres: Mapping[str, np.ndarray], half_w: float, half_h: float,
                fontsize: float) -> None:
    """Draw one ``(from, to[, label])`` arrow of ``draw_block_diagram`` from box edge to box edge."""
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


def draw_block_diagram(blocks: Mapping[str, tuple], arrows: Sequence[tuple], ax=None, title: str | None = None,
                       colors: Mapping[str, str] | None = None, box_size: tuple[float, float] = (1.8, 0.8),
                       fontsize: float = 9) -> plt.Figure:
    """Draw labelled boxes joined by arrows, e.g. how a network's inputs flow and fuse (chapter 7's figures).

    ``blocks`` maps a name to its centre ``(x, y)`` or ``(x, y, text)``; ``arrows`` holds ``(from, to)`` or
    ``(from, to, label)`` tuples of block names. Returns the figure (``ax``'s, if given).
    """
    from matplotlib.patches import FancyBboxPatch

    centres, texts = _block_centres(blocks)
    (half_w, half_h), points = (box_size[0] / 2, box_size[1] / 2), np.array(list(centres.values()))
    (x0, y0), (x1, y1) = points.min(0) - [half_w + 0.2, half_h + 0.3], points.max(0) + [half_w + 0.2, half_h + 0.3]
    fig, ax = plt.subplots(figsize=(0.9 * (x1 - x0), 0.9 * (y1 - y0) + 0.4)) if ax is None else (ax.figure, ax)
    for name, (x, y) in centres.items():
        ax.add_patch(FancyBboxPatch((x - half_w, y - half_h), 2 * half_w, 2 * half_h,
                                    boxstyle="round,pad=0,rounding_size=0.12", edgecolor="#333333",
                                    facecolor=(colors or {}).get(name, "#e8eef7"), linewidth=1.2))
        ax.text(x, y, texts[name], ha="center", va="center", fontsize=fontsize)
    for arrow in arrows:
        _draw_arrow(ax, arrow, centres, half_w, half_h, fontsize)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=fontsize + 2)
    return fig
