"""utils.explorers: the transpose-convolution settings (sizes, refusals, contributors, zero insertion) and the
HTML of both explorers (data embedded, nothing fetched, sizes, input checks)."""

import base64
import json
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils.explorers import (
    contributors,
    explorer_page,
    latent_plane_explorer,
    stretched_codes,
    transpose_conv_explorer,
    transpose_conv_settings,
)

MB = 1_000_000


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Hundreds of tiny convolutions: on a busy machine, threads only wait on each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def settings():
    return transpose_conv_settings()


def pytorch_error(n, k, s, p, op):
    """What a reader's ConvTranspose2d on one n×n image raises (its first line), or None."""
    try:
        nn.ConvTranspose2d(1, 1, k, s, p, op)(torch.zeros(1, 1, n, n))
    except RuntimeError as error:
        return str(error).strip().splitlines()[0]
    return None


def embedded_data(explorer) -> dict:
    """The JSON the explorer's script holds."""
    return json.loads(re.search(r"var D=(\{.*?\}),root=", explorer.html).group(1))


def rows_one_hot(setting):
    """(i, a, row): does input row i reach output row ``row`` through kernel row a?"""
    size, position = setting["size"], torch.as_tensor(setting["position"])
    return F.one_hot(position + 1, size + 1)[..., 1:].float()


def test_every_setting_of_the_default_ranges_is_there(settings):
    assert len(settings) == 4 * 5 * 3 * 3 * 3
    assert {key[0] for key in settings} == {2, 3, 4, 5} and {key[4] for key in settings} == {0, 1, 2}


def test_sizes_equal_the_formula_and_pytorch(settings):
    for (n, k, s, p, op), setting in settings.items():
        assert setting["size"] == (n - 1) * s - 2 * p + (k - 1) + op + 1
        if setting["error"] is None:
            got = nn.ConvTranspose2d(1, 1, k, s, p, op)(torch.zeros(1, 1, n, n)).shape[-2:]
            assert got == (setting["size"],) * 2 == setting["counts"].shape, (n, k, s, p, op)


def test_refused_settings_carry_pytorchs_own_message(settings):
    refused = {key for key, v in settings.items() if v["error"]}
    assert refused == {(n, k, s, p, op) for (n, k, s, p, op), v in settings.items() if op >= s or v["size"] < 1}
    for key in refused:
        assert settings[key]["error"] == pytorch_error(*key), key
        assert "counts" not in settings[key] and "position" not in settings[key]
    assert settings[(3, 3, 1, 0, 1)]["error"].startswith("output padding must be smaller than either stride")
    assert settings[(2, 1, 1, 2, 0)]["error"].endswith("Output size is too small")
    assert settings[(2, 1, 1, 1, 0)]["size"] == 0 and settings[(2, 1, 1, 1, 0)]["error"]  # 0: refused, not empty


def test_k3_s2_p1_counts_alternate_1_2_4(settings):
    for n in (3, 5):
        counts = settings[(n, 3, 2, 1, 0)]["counts"]
        along = np.array([1 if r % 2 == 0 else 2 for r in range(2 * n - 1)])
        assert (counts == np.outer(along, along)).all() and set(counts[1:-1, 1:-1].ravel()) == {1, 2, 4}


def test_k4_s2_p1_interior_counts_are_all_4(settings):
    counts = settings[(5, 4, 2, 1, 0)]["counts"]
    assert counts.shape == (10, 10) and (counts[1:-1, 1:-1] == 4).all()
    assert counts[0, 0] == 1 and (counts[0, 1:-1] == 2).all()


def test_contributors_of_hand_worked_pixels(settings):
    k3 = settings[(3, 3, 2, 1, 0)]
    assert sorted(contributors(k3, 1, 1)) == [((0, 0), (2, 2)), ((0, 1), (2, 0)), ((1, 0), (0, 2)), ((1, 1), (0, 0))]
    assert contributors(k3, 0, 0) == [((0, 0), (1, 1))]
    assert sorted(contributors(k3, 0, 1)) == [((0, 0), (1, 2)), ((0, 1), (1, 0))]
    gap = settings[(3, 1, 3, 0, 0)]  # k = 1, s = 3: the stamps do not touch; between them nothing arrives
    assert contributors(gap, 1, 1) == [] and contributors(gap, 3, 6) == [((1, 2), (0, 0))]


def test_contributors_rebuild_pytorchs_output_for_random_values(settings):
    gen = torch.Generator().manual_seed(0)
    for (n, k, s, p, op), setting in settings.items():
        if setting["error"]:
            continue
        x, w = torch.randn(n, n, generator=gen), torch.randn(k, k, generator=gen)
        want = F.conv_transpose2d(x.view(1, 1, n, n), w.view(1, 1, k, k), stride=s, padding=p, output_padding=op)
        rows = rows_one_hot(setting)
        rebuilt = torch.einsum("iar,jbc,ij,ab->rc", rows, rows, x, w)
        assert torch.allclose(rebuilt, want[0, 0], atol=1e-5), (n, k, s, p, op)
    r, c = 4, 3
    pairs = contributors(settings[(4, 3, 2, 0, 1)], r, c)
    x, w = torch.randn(4, 4, generator=gen), torch.randn(3, 3, generator=gen)
    out = F.conv_transpose2d(x.view(1, 1, 4, 4), w.view(1, 1, 3, 3), stride=2, output_padding=1)[0, 0]
    assert torch.isclose(sum(x[i, j] * w[a, b] for (i, j), (a, b) in pairs), out[r, c])


def test_stretched_input_convolved_with_the_flipped_kernel_is_the_transpose_convolution(settings):
    gen = torch.Generator().manual_seed(1)
    for (n, k, s, p, op), setting in settings.items():
        if setting["error"]:
            continue
        codes = torch.as_tensor(setting["stretched"])
        assert len(codes) == setting["size"] + k - 1 == (n - 1) * s + 1 + 2 * (k - 1 - p) + op
        x, w = torch.randn(n, n, generator=gen), torch.randn(1, 1, k, k, generator=gen)
        held = codes >= 0
        stretched = torch.zeros(len(codes), len(codes))
        stretched[held[:, None] & held[None, :]] = x[codes[held]][:, codes[held]].flatten()
        want = F.conv_transpose2d(x.view(1, 1, n, n), w, stride=s, padding=p, output_padding=op)
        assert torch.allclose(F.conv2d(stretched.view(1, 1, *stretched.shape), w.flip(-1, -2)), want, atol=1e-5)


def test_stretched_codes_of_hand_worked_cases():
    assert stretched_codes(3, 3, 2, 1, 0).tolist() == [-2, 0, -1, 1, -1, 2, -2]  # border k - 1 - p = 1
    assert stretched_codes(3, 3, 2, 1, 1).tolist() == [-2, 0, -1, 1, -1, 2, -2, -3]  # output_padding at the end
    assert stretched_codes(2, 3, 3, 0, 2).tolist() == [-2, -2, 0, -1, -1, 1, -2, -2, -3, -3]
    assert stretched_codes(3, 1, 2, 1, 0).tolist() == [-1, 1, -1]  # p > k - 1: cropped instead of padded
    assert stretched_codes(3, 1, 2, 1, 1).tolist() == [-1, 1, -1, 2]  # output_padding gives a cropped row back


def test_transpose_conv_explorer_embeds_every_setting_and_fetches_nothing(settings):
    explorer = transpose_conv_explorer()
    data = embedded_data(explorer)
    assert len(data["frames"]) == len(settings) and data["axes"][1] == [1, 2, 3, 4, 5]
    for (n, k, s, p, op), setting in settings.items():
        frame = data["frames"][f"{n},{k},{s},{p},{op}"]
        assert frame["o"] == setting["size"]
        if setting["error"]:
            assert data["errors"][frame["e"]] == setting["error"]
        else:
            assert frame["pos"] == setting["position"].ravel().tolist()
            assert frame["st"] == setting["stretched"].tolist()
    assert not re.search(r"https?://|<script\s[^>]*src|<link|<img", explorer.html, re.I)
    assert explorer.size_kb < 100 and len(explorer.html.encode()) < 2 * MB
    assert explorer._repr_html_() is explorer.html and "kB" in repr(explorer) and len(repr(explorer)) < 80
    assert "run the cell (or trust the notebook)" in explorer.html  # what Jupyter shows before scripts may run
    assert [data["axes"][i][j] for i, j in enumerate(data["start"])] == [3, 3, 2, 1, 0]


def test_transpose_conv_explorer_works_with_the_minimum_inputs():
    explorer = transpose_conv_explorer(inputs=[2], kernels=[1], strides=[1], paddings=[0], output_paddings=[0])
    data = embedded_data(explorer)
    assert list(data["frames"]) == ["2,1,1,0,0"] and data["frames"]["2,1,1,0,0"]["o"] == 2
    assert data["start"] == [0, 0, 0, 0, 0] and explorer.html.count('max="0"') == 5
    refused = transpose_conv_explorer(inputs=[2], kernels=[1], strides=[1], paddings=[2], output_paddings=[0])
    assert embedded_data(refused)["errors"] == [pytorch_error(2, 1, 1, 2, 0)]


def latent_inputs(n_points=3000, grid=15, seed=0):
    """Codes of three digits in blobs, a grid around them and one distinct image per grid point."""
    rng = np.random.default_rng(seed)
    points = np.concatenate([rng.normal(c, 1.0, (n_points // 3, 2)) for c in [(0, 0), (4, 1), (1, 5)]])
    labels = np.repeat([1, 5, 6], n_points // 3)
    decoded = rng.random((grid, grid, 28, 28)).astype(np.float32)
    return points, labels, np.linspace(-3, 7, grid), np.linspace(-3, 8, grid), decoded


def test_latent_explorer_embeds_points_and_every_decoded_image():
    points, labels, z1, z2, decoded = latent_inputs()
    explorer = latent_plane_explorer(torch.as_tensor(points), torch.as_tensor(labels), torch.as_tensor(z1), z2,
                                     torch.as_tensor(decoded))
    data = embedded_data(explorer)
    assert data["classes"] == [1, 5, 6] and len(data["x"]) == len(data["c"]) == 3000
    assert np.allclose(data["x"], points[:, 0], rtol=1e-3, atol=1e-3) and data["c"][:3] == [0, 0, 0]
    pixels = np.frombuffer(base64.b64decode(data["images"]), np.uint8).reshape(15, 15, 28, 28)
    assert (pixels == np.round(decoded * 255)).all()
    assert (data["h"], data["w"], len(data["z1"]), len(data["z2"])) == (28, 28, 15, 15)
    assert data["low"][0] < min(points[:, 0].min(), z1[0]) and data["high"][1] > max(points[:, 1].max(), z2[-1])
    assert all(lo <= t <= hi for ticks, lo, hi in zip(data["ticks"], data["low"], data["high"]) for t in ticks)
    assert not re.search(r"https?://|<script\s[^>]*src|<link|<img", explorer.html, re.I)
    assert explorer.size_kb < 400 and len(explorer.html.encode()) < 2 * MB


def test_latent_explorer_subsamples_many_points_with_a_seed():
    points, labels, z1, z2, decoded = latent_inputs(n_points=6000, grid=3)
    first = embedded_data(latent_plane_explorer(points, labels, z1, z2, decoded, max_points=1000))
    again = embedded_data(latent_plane_explorer(points, labels, z1, z2, decoded, max_points=1000))
    assert len(first["x"]) == 1000 and first["x"] == again["x"] and set(first["c"]) == {0, 1, 2}
    assert set(zip(first["x"], first["y"])) <= {(float(f"{x:.4g}"), float(f"{y:.4g}")) for x, y in points}


def test_latent_explorer_works_with_the_minimum_inputs():
    explorer = latent_plane_explorer([[0.0, 0.0]], [3], [0, 1], [0, 1], np.zeros((2, 2, 1, 1)))
    data = embedded_data(explorer)
    assert data["classes"] == [3] and (data["h"], data["w"]) == (1, 1) and len(base64.b64decode(data["images"])) == 4


@pytest.mark.parametrize("change, message", [
    (dict(decoded=np.zeros((15, 15, 28))), r"decoded must be shaped \(len\(z2_values\), len\(z1_values\), H, W\)"),
    (dict(decoded=np.zeros((225, 1, 28, 28))), r"= \(15, 15, H, W\), got \(225, 1, 28, 28\)"),
    (dict(decoded=np.zeros((14, 15, 28, 28))), r"got \(14, 15, 28, 28\)"),
    (dict(decoded=np.full((15, 15, 28, 28), 2.0)), r"must lie in \[0, 1\], got \[2, 2\]"),
    (dict(points=np.zeros((3000, 3))), r"points shaped \(N, 2\)"),
    (dict(labels=np.zeros(10)), r"got \(3000, 2\) and 10"),
    (dict(z1=np.linspace(7, -3, 15)), "increasing"),
    (dict(z2=np.zeros((15, 1))), "1-D"),
    (dict(points=np.full((3000, 2), np.nan)), "points must hold finite numbers"),
])
def test_latent_explorer_rejects_wrong_inputs_with_a_clear_message(change, message):
    inputs = dict(zip(("points", "labels", "z1", "z2", "decoded"), latent_inputs(grid=15)))
    inputs.update(change)
    with pytest.raises(ValueError, match=message):
        latent_plane_explorer(*inputs.values())


def test_explorer_page_holds_explorers_with_distinct_ids():
    small = dict(inputs=[2], kernels=[1], strides=[1], paddings=[0], output_paddings=[0])
    first, second = transpose_conv_explorer(**small), transpose_conv_explorer(**small)
    ids = [re.search(r'<div id="([^"]+)"', e.html).group(1) for e in (first, second)]
    assert ids[0] != ids[1] and all(f'getElementById("{i}")' in e.html for i, e in zip(ids, (first, second)))
    page = explorer_page(first, second, title="Two <explorers>")
    assert page.startswith("<!DOCTYPE html>") and first.html in page and second.html in page
    assert "<title>Two &lt;explorers&gt;</title>" in page and "https://" not in page


def test_latent_explorer_draws_optional_contours_inside_its_plot():
    points, labels, z1, z2, decoded = latent_inputs(grid=3)
    assert embedded_data(latent_plane_explorer(points, labels, z1, z2, decoded))["contours"] == []
    angle = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    circle = 20 * np.stack([np.cos(angle), np.sin(angle)], 1)  # far outside the points and the grid
    data = embedded_data(latent_plane_explorer(points, labels, z1, z2, decoded, contours={"99% <prior>": circle}))
    (contour,) = data["contours"]
    assert contour["label"] == "99% &lt;prior&gt;" and len(contour["x"]) == 60
    assert np.allclose(contour["x"], circle[:, 0], atol=1e-2) and np.allclose(contour["y"], circle[:, 1], atol=1e-2)
    assert data["low"][0] < -20 and data["high"][1] > 20  # the plot's extent takes the contour in
    with pytest.raises(ValueError, match=r"\(M, 2\) points"):
        latent_plane_explorer(points, labels, z1, z2, decoded, contours={"bad": circle[:2]})
