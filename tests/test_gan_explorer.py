"""utils.gan_explorer: the GAN game explorer's embedded frames (bytes that decode to the inputs), its size, that it
fetches nothing, and its clear errors for inputs of the wrong shape."""

import base64
import json
import re

import numpy as np
import pytest
import torch

from utils.explorers import explorer_page
from utils.gan_explorer import gan_game_explorer
from utils.gan_toys import ring_centres


def embedded_data(explorer) -> dict:
    return json.loads(re.search(r"var D=(\{.*?\}),root=", explorer.html).group(1))


def game_inputs(frames=5, resolution=12, points=50, seed=0):
    gen = torch.Generator().manual_seed(seed)
    run = {"surface": torch.rand(frames, resolution, resolution, generator=gen),
           "points": 2 * torch.randn(frames, points, 2, generator=gen).clamp(-1.4, 1.4),
           "modes_covered": list(range(frames)), "high_quality_share": torch.linspace(0, 1, frames).tolist()}
    other = {**run, "surface": 1 - run["surface"]}
    return list(range(0, 100 * frames, 100)), {"non-saturating": run, "saturating <minimax>": other}


def test_the_frames_decode_to_the_inputs():
    steps, runs = game_inputs()
    data = embedded_data(gan_game_explorer(steps, runs, ring_centres(), 0.05))
    assert data["steps"] == steps and (data["res"], data["points"]) == (12, 50) and data["std"] == 0.05
    assert [r["name"] for r in data["runs"]] == ["non-saturating", "saturating &lt;minimax&gt;"]
    first = data["runs"][0]
    surface = np.frombuffer(base64.b64decode(first["surface"]), np.uint8).reshape(5, 12, 12)
    assert np.abs(surface / 255 - runs["non-saturating"]["surface"].numpy()).max() <= 0.5 / 255 + 1e-6
    points = np.frombuffer(base64.b64decode(first["points"]), np.uint8).reshape(5, 50, 2)
    assert np.abs(points / 255 * 6 - 3 - runs["non-saturating"]["points"].numpy()).max() <= 3 / 255 + 1e-6
    assert first["covered"] == [0, 1, 2, 3, 4] and first["quality"][-1] == 1.0
    assert len(data["centres"]) == 8 and data["centres"][0] == [2.0, 0.0]


def test_the_explorer_is_self_contained_and_small():
    steps, runs = game_inputs(frames=41, resolution=40, points=500)
    explorer = gan_game_explorer(steps, runs, ring_centres(), 0.05)
    assert not re.search(r"https?://|<script\s[^>]*src|<link|<img", explorer.html, re.I)
    assert explorer.size_kb < 400 and "run the cell (or trust the notebook)" in explorer.html
    assert "game-explorer" in explorer_page(explorer)


@pytest.mark.parametrize("change, message", [
    (lambda s, r: (s, {}), "at least one run"),
    (lambda s, r: (s[::-1], r), "increasing training steps"),
    (lambda s, r: (s[:-1], r), r"with 4 frames, got \(5, 12, 12\)"),
    (lambda s, r: (s, {"a": {**r["saturating <minimax>"], "points": torch.zeros(5, 50, 3)}}), r"\(frames, P, 2\)"),
    (lambda s, r: (s, {"a": {**r["saturating <minimax>"], "surface": torch.full((5, 12, 12), 2.0)}}), r"in \[0, 1\]"),
    (lambda s, r: (s, {"a": {**r["saturating <minimax>"], "modes_covered": [1, 2]}}), "one modes_covered"),
    (lambda s, r: (s, {**r, "b": {**r["saturating <minimax>"], "points": torch.zeros(5, 7, 2)}}), "the same grid"),
])
def test_wrong_inputs_get_a_clear_error(change, message):
    steps, runs = change(*game_inputs())
    with pytest.raises(ValueError, match=message):
        gan_game_explorer(steps, runs, ring_centres(), 0.05)
