"""utils.plotting.animation: the frames an animation plays, and its controls."""

import base64
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from PIL import Image

from utils.plotting.animation import animate, animate_rows

pytestmark = pytest.mark.usefixtures("close_figures")


def test_animate_embeds_every_frame():
    frames = [torch.full((1, 6, 6), v) for v in (0.0, 0.5, 1.0)]
    html = animate(frames, titles=["a", "b", "c"], interval_ms=100).data
    assert html.count("data:image/png;base64") == 3 and "anim" in html
    grid_frames = [torch.rand(4, 3, 6, 6), torch.rand(4, 3, 6, 6)]
    assert animate(grid_frames).data.count("data:image/png;base64") == 2
    with pytest.raises(ValueError, match="at least one frame"):
        animate([])
    with pytest.raises(ValueError, match="2 titles for 3 frames"):
        animate(frames, titles=["a", "b"])


def frame(value, cols=4, names=("noisy", "denoised", "clean")):
    return {name: torch.full((cols, 1, 28, 28), value) for name in names}


def test_animate_rows_one_png_per_frame_and_row_labels(monkeypatch):
    labels = []
    original = plt.Axes.set_yticks
    monkeypatch.setattr(plt.Axes, "set_yticks", lambda ax, ticks, names=None, **kw: labels.append(
        (list(ticks), list(names or []))) or original(ax, ticks, names, **kw))
    html = animate_rows([frame(0.0), frame(0.5), frame(1.0)], titles=["epoch 0", "epoch 1", "epoch 2"])
    assert len(re.findall(r'frames\[\d+\] = "data:image/png', html.data)) == 3
    ticks, names = labels[-1]
    assert names == ["noisy", "denoised", "clean"]
    assert ticks == pytest.approx([15.5, 45.5, 75.5])  # row centres of a 3-row image_grid of 28-pixel images


def test_animate_rows_accepts_grey_stacks_colour_and_minus_one_to_one():
    html = animate_rows([{"input": torch.rand(2, 8, 8), "output": torch.rand(2, 8, 8)}])
    assert "data:image/png" in html.data
    colour = {"a": torch.rand(3, 3, 8, 8) * 2 - 1}
    assert "data:image/png" in animate_rows([colour, colour], value_range=(-1, 1)).data


def test_animate_rows_errors():
    with pytest.raises(ValueError, match="at least one frame"):
        animate_rows([])
    with pytest.raises(ValueError, match="2 titles for 1 frames"):
        animate_rows([frame(0.0)], titles=["a", "b"])
    with pytest.raises(ValueError, match=r"Frame 1 has rows \['noisy', 'clean'\]"):
        animate_rows([frame(0.0), frame(0.0, names=("noisy", "clean"))])
    with pytest.raises(ValueError, match="Frame 0 has rows Tensor"):
        animate_rows([torch.zeros(2, 1, 8, 8)])
    with pytest.raises(ValueError, match=r"Frame 0 has rows \[\]"):
        animate_rows([{}])
    with pytest.raises(ValueError, match=r"Frame 0: every row needs the same number of images, got \[2, 3\]"):
        animate_rows([{"a": torch.zeros(2, 1, 8, 8), "b": torch.zeros(3, 1, 8, 8)}])
    with pytest.raises(ValueError, match="same size and count"):
        animate_rows([frame(0.0, cols=4), frame(0.0, cols=5)])


# The frames themselves: what each animation hands matplotlib, and the pixels of the PNGs it embeds.

def played(monkeypatch):
    """Record the arrays ``_play`` is given (one per frame) while the real ``_play`` still runs."""
    from utils.plotting import animation

    calls, real = [], animation._play
    monkeypatch.setattr(animation, "_play", lambda fig, ax, arrays, *args, **kw: calls.append(
        [np.array(a) for a in arrays]) or real(fig, ax, arrays, *args, **kw))
    return calls


def embedded_frames(html: str) -> list[np.ndarray]:
    """Decode the animation's embedded PNG frames back to (H, W) grey pixel arrays (0-255)."""
    encoded = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]+)"', html)
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(e.replace("\\n", "")))).convert("L"), dtype=int)
            for e in encoded]


def test_animate_hands_matplotlib_each_frame_unchanged(monkeypatch):
    calls = played(monkeypatch)
    image, grey = torch.rand(1, 6, 6, generator=torch.Generator().manual_seed(0)), torch.rand(6, 6)
    animate([image, grey.numpy(), image * 2 - 1], value_range=None)
    arrays = calls[-1]
    assert np.allclose(arrays[0], image[0].numpy()) and np.allclose(arrays[1], grey.numpy())
    assert np.allclose(arrays[2], image[0].numpy(), atol=1e-6)  # [-1, 1] detected and mapped back to [0, 1]
    grids = [torch.rand(4, 3, 5, 5), torch.rand(4, 3, 5, 5)]
    animate(grids)
    assert [a.shape for a in calls[-1]] == [(2 + 2 * 7, 2 + 2 * 7, 3)] * 2  # a 2×2 image_grid each
    assert np.allclose(calls[-1][1][2:7, 2:7], grids[1][0].permute(1, 2, 0).numpy())  # first image, top left


def test_animate_frames_show_the_given_pixels(monkeypatch):
    black, white = torch.zeros(1, 8, 8), torch.ones(1, 8, 8)
    halves = torch.cat([torch.zeros(1, 8, 4), torch.ones(1, 8, 4)], dim=2)  # left black, right white
    first, second, third = embedded_frames(animate([black, white, halves]).data)
    inside = first < 128  # the image's area: black in the first frame, on the white figure
    rows, cols = np.nonzero(inside)
    assert 0.2 * inside.size < inside.sum() < inside.size
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    assert (first[top:bottom + 1, left:right + 1] < 30).mean() > 0.99  # the whole image area is black
    assert (second[top:bottom + 1, left:right + 1] > 225).mean() > 0.99  # and white in the second frame
    assert np.array_equal(first[~inside], second[~inside])  # nothing else changes between frames
    middle = (left + right) // 2
    assert (third[top:bottom + 1, left:middle - 2] < 30).all()
    assert (third[top:bottom + 1, middle + 3:right + 1] > 225).all()


def test_animate_rows_frames_show_each_rows_images(monkeypatch):
    calls = played(monkeypatch)
    frames = [{"input": torch.full((2, 1, 6, 6), v), "output": torch.full((2, 1, 6, 6), 1 - v)}
              for v in (0.0, 1.0)]
    html = animate_rows(frames, titles=["epoch 0", "epoch 1"]).data
    for array, v in zip(calls[-1], (0.0, 1.0)):  # image_grid of the two rows, 2 pixels of white padding
        assert array.shape == (2 + 2 * 8, 2 + 2 * 8)
        assert (array[2:8, 2:8] == v).all() and (array[2:8, 10:16] == v).all()  # row "input"
        assert (array[10:16, 2:8] == 1 - v).all() and (array[10:16, 10:16] == 1 - v).all()  # row "output"
    first, second = embedded_frames(html)
    input_dark, output_dark = (first < 30) & (second > 225), (second < 30) & (first > 225)  # black in one frame only
    input_rows = np.nonzero(input_dark.sum(axis=1) > 20)[0]  # image rows, not the titles' changed digit
    output_rows = np.nonzero(output_dark.sum(axis=1) > 20)[0]
    assert len(input_rows) > 10 and input_rows.max() < output_rows.min()  # "input" drawn above "output"
    assert abs(len(input_rows) - len(output_rows)) <= 2  # rows of the same height
    columns = input_dark[input_rows].any(axis=0)  # the two images of a row and the white padding between them
    assert np.array_equal(columns, output_dark[output_rows].any(axis=0))
    assert np.sum(np.diff(np.r_[0, columns.astype(int), 0]) == 1) == 2  # two separate images per row
