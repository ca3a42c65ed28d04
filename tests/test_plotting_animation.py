"""utils.plotting.animation: the frames an animation plays, and its controls."""

import re

import matplotlib.pyplot as plt
import pytest
import torch

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
