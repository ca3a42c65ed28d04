"""Animations with play controls: JavaScript (``to_jshtml``) that plays in the static book and in Colab."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from utils.plotting.images import _imshow, image_grid, to_unit_range


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
