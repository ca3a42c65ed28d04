"""Interactive explorers as self-contained HTML (chapters 1 and 2): no kernel, no network, no plotly needed.

Each explorer embeds its precomputed data as JSON and a little plain JavaScript; it shows itself in Jupyter,
Colab and the built book (display it as a cell's last expression). The markup, style and scripts they fill in
are in ``utils.explorer_templates``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json

import numpy as np
import torch
from torch import nn

from utils.explorer_templates import LATENT_BODY, LATENT_JS, STYLE, TCONV_BODY, TCONV_JS, WAITING

# plotly's default colours, so the explorer's digits look like the chapter's plotly scatters
COLOURS = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880", "#FF97FF")
_count = itertools.count()


class Explorer:
    """An interactive figure as one HTML fragment (``html``): Jupyter, Colab and the book display it."""

    def __init__(self, html_text: str, title: str):
        self.html, self.title = html_text, title

    @property
    def size_kb(self) -> float:
        """The HTML's size in kB (1000 bytes)."""
        return len(self.html.encode()) / 1000

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<{self.title}: interactive HTML, {self.size_kb:.0f} kB>"


def explorer_page(*explorers: Explorer, title: str = "Explorers") -> str:
    """A complete standalone HTML page holding ``explorers`` (to save, or to open in a browser test)."""
    body = "\n".join(e.html for e in explorers)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<link rel="icon" href="data:,"></head><body>{body}</body></html>')


def _setting(n: int, k: int, s: int, p: int, op: int) -> dict:
    """One setting, computed by ConvTranspose2d on one-hot inputs (batch) and one-hot taps (channels)."""
    size = (n - 1) * s - 2 * p + (k - 1) + op + 1
    found = {"n": n, "k": k, "s": s, "p": p, "op": op, "size": size, "error": None}
    layer = nn.ConvTranspose2d(1, k * k, k, stride=s, padding=p, output_padding=op, bias=False)
    with torch.no_grad():
        try:  # one image: with an output size of 0, a batch of several gets an empty tensor instead of an error
            layer(torch.zeros(1, 1, n, n))
        except RuntimeError as error:
            return found | {"error": str(error).strip().splitlines()[0]}
        layer.weight.copy_(torch.eye(k * k).view(1, k * k, k, k))  # output channel t: a 1 at kernel tap t
        hits = layer(torch.eye(n * n).view(n * n, 1, n, n))  # image b: a 1 at input pixel b
    assert hits.shape[-2:] == (size, size), f"formula {size} but PyTorch {tuple(hits.shape)} for {found}"
    hits = hits.view(n, n, k, k, size, size) > 0.5  # (i, j, a, b, row, col)
    i, a = torch.arange(n), torch.arange(k)
    diagonal = hits[i, i][:, a, a].any(-1)  # (i, a, row): does x[i, i] reach that row through tap w[a, a]?
    position = torch.where(diagonal.any(-1), diagonal.float().argmax(-1), -1)
    rows = nn.functional.one_hot(position + 1, size + 1)[..., 1:]  # (i, a, row)
    assert torch.equal(hits, torch.einsum("iar,jbc->ijabrc", rows, rows) > 0), f"not separable: {found}"
    return found | {"position": position.numpy(), "counts": hits.sum((0, 1, 2, 3)).numpy(),
                    "stretched": stretched_codes(n, k, s, p, op)}


def stretched_codes(n: int, k: int, s: int, p: int, op: int) -> np.ndarray:
    """Along one axis of the zero-insertion picture: input index i, or -1 inserted zero, -2 border, -3 output_padding.

    Length (n - 1) s + 1 + 2 (k - 1 - p) + op; a border below 0 (p > k - 1) crops the stretched input instead.
    """
    core = np.full((n - 1) * s + 1, -1)
    core[::s] = np.arange(n)
    border = k - 1 - p
    left = np.r_[np.full(max(border, 0), -2), core[max(-border, 0):]]
    right = border + op  # what the bottom/right side gains (or loses, when below 0)
    if right < 0:
        return left[:len(left) + right]
    return np.r_[left, np.full(max(border, 0), -2)[:right], np.full(right - max(border, 0), -3)]


def transpose_conv_settings(inputs=range(2, 6), kernels=range(1, 6), strides=range(1, 4), paddings=range(3),
                            output_paddings=range(3)) -> dict:
    """Every setting (n, k, s, p, op) -> its size (formula), PyTorch's refusal or what reaches each output pixel.

    ``position[i, a]``: the output row reached by input row i through kernel row a (-1: cropped away); columns
    likewise. ``counts``: contributions per output pixel; ``stretched``: ``stretched_codes``.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # hundreds of tiny calls: more threads only wait on each other
    try:
        return {key: _setting(*key) for key in itertools.product(inputs, kernels, strides, paddings, output_paddings)}
    finally:
        torch.set_num_threads(threads)


def contributors(setting: dict, row: int, col: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The ((input row, col), (tap row, col)) pairs that reach output pixel (row, col) of a setting."""
    reach = [np.argwhere(setting["position"] == index) for index in (row, col)]
    return [((int(i), int(j)), (int(a), int(b))) for (i, a), (j, b) in itertools.product(*reach)]


def _widget(kind: str, title: str, body: str, script: str, data: dict) -> Explorer:
    """Wrap markup and a script (``__ID__``, ``__DATA__`` filled in) into an Explorer with a unique element id."""
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    uid = f"{kind}-{hashlib.sha1(payload.encode()).hexdigest()[:10]}-{next(_count)}"
    script = script.replace("__ID__", uid).replace("__DATA__", payload)
    text = (f'<div id="{uid}" class="course-explorer {kind}" role="group" aria-label="{html.escape(title)}">'
            f"<style>{STYLE.replace('#ID', '#' + uid)}</style><div class=\"x-title\">{html.escape(title)}</div>"
            f"{WAITING}{body}<script>{script}</script></div>")
    return Explorer(text, title)


def _slider(key: str, label: str, values) -> str:
    values = list(values)
    return (f'<label>{label} <input type="range" data-key="{key}" min="0" max="{len(values) - 1}" step="1" '
            f'value="0" aria-label="{html.escape(label)}"><output></output></label>')


def transpose_conv_explorer(inputs=range(2, 6), kernels=range(1, 6), strides=range(1, 4), paddings=range(3),
                            output_paddings=range(3), start=(3, 3, 2, 1, 0),
                            title="Transpose convolution explorer") -> Explorer:
    """Chapter 1's explorer: sliders for input size, k, s, p and output_padding; click an output pixel."""
    axes = [list(v) for v in (inputs, kernels, strides, paddings, output_paddings)]
    settings = transpose_conv_settings(*axes)
    errors = sorted({v["error"] for v in settings.values() if v["error"]})
    frames = {",".join(map(str, key)): {"o": v["size"], "e": errors.index(v["error"])} if v["error"] else
              {"o": v["size"], "pos": v["position"].ravel().tolist(), "st": v["stretched"].tolist()}
              for key, v in settings.items()}
    start = [values.index(v) if v in values else 0 for v, values in zip(start, axes)]
    names = ("input size n", "kernel size k", "stride s", "padding p", "output_padding")
    body = ('<div class="x-controls">' + "".join(_slider(key, name, values) for key, name, values in
                                                 zip("nkspo", names, axes)) + "</div>" + TCONV_BODY)
    return _widget("tconv-explorer", title, body, TCONV_JS,
                   {"axes": axes, "start": start, "errors": errors, "frames": frames})


def _array(values, name: str) -> np.ndarray:
    array = values.detach().cpu().numpy() if torch.is_tensor(values) else np.asarray(values)
    if not np.issubdtype(array.dtype, np.number) or not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers.")
    return array


def _nice(values) -> list[float]:
    return [float(f"{v:.4g}") for v in np.ravel(values)]


def _latent_arrays(points, labels, z1_values, z2_values, decoded) -> tuple[np.ndarray, ...]:
    """The latent explorer's inputs as NumPy arrays, or a ValueError that says which one is wrong and why."""
    points, labels = _array(points, "points"), _array(labels, "labels").astype(int).ravel()
    z1, z2, decoded = (_array(v, name) for v, name in ((z1_values, "z1_values"), (z2_values, "z2_values"),
                                                        (decoded, "decoded")))
    if points.ndim != 2 or points.shape[1] != 2 or len(labels) != len(points) or len(points) == 0:
        raise ValueError(f"Expected points shaped (N, 2) and N labels, got {points.shape} and {len(labels)}.")
    if any(z.ndim != 1 or len(z) < 2 or (np.diff(z) <= 0).any() for z in (z1, z2)):
        raise ValueError("z1_values and z2_values must be 1-D, increasing, with at least 2 values each.")
    if decoded.ndim != 4 or decoded.shape[:2] != (len(z2), len(z1)):
        raise ValueError(f"decoded must be shaped (len(z2_values), len(z1_values), H, W) = ({len(z2)}, {len(z1)}, "
                         f"H, W), got {decoded.shape}: e.g. images.view({len(z2)}, {len(z1)}, 28, 28).")
    if decoded.min() < -1e-6 or decoded.max() > 1 + 1e-6:
        raise ValueError(f"decoded images must lie in [0, 1], got [{decoded.min():.3g}, {decoded.max():.3g}].")
    return points, labels, z1, z2, decoded


def latent_plane_explorer(points, labels, z1_values, z2_values, decoded, title="The 2-D code plane",
                          max_points: int = 3000, seed: int = 0, axis_titles=("z₁", "z₂"),
                          label_name: str = "digit", contours=None) -> Explorer:
    """Chapter 2's explorer: (N, 2) codes coloured by label, and ``decoded[i, j]``, the (H, W) image in [0, 1]
    decoded from (z1_values[j], z2_values[i]), shown for the grid point chosen by two sliders or the mouse.
    ``contours`` (chapter 8): {label: (M, 2) points of a closed curve}, drawn as dashed lines (e.g. a prior's)."""
    points, labels, z1, z2, decoded = _latent_arrays(points, labels, z1_values, z2_values, decoded)
    curves = {str(name): _array(curve, f"contour {name!r}") for name, curve in (contours or {}).items()}
    if any(c.ndim != 2 or c.shape[1] != 2 or len(c) < 3 for c in curves.values()):
        raise ValueError("contours must map labels to (M, 2) points of a closed curve, M >= 3.")
    if len(points) > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(len(points), max_points, replace=False))
        points, labels = points[keep], labels[keep]
    classes = sorted(set(labels.tolist()))
    pixels = np.round(np.clip(decoded, 0, 1) * 255).astype(np.uint8)
    drawn = np.concatenate([points, [[z1[0], z2[0]], [z1[-1], z2[-1]]], *curves.values()])
    low, high = drawn.min(0), drawn.max(0)
    low, high = low - 0.04 * (high - low), high + 0.04 * (high - low)
    axes = [html.escape(t) for t in axis_titles]
    data = {"x": _nice(points[:, 0]), "y": _nice(points[:, 1]), "c": [classes.index(v) for v in labels],
            "classes": classes, "colours": [COLOURS[i % len(COLOURS)] for i in range(len(classes))],
            "z1": _nice(z1), "z2": _nice(z2), "h": int(decoded.shape[2]), "w": int(decoded.shape[3]),
            "images": base64.b64encode(pixels.tobytes()).decode(), "low": _nice(low), "high": _nice(high),
            "ticks": [_nice(_ticks(lo, hi)) for lo, hi in zip(low, high)], "axes": axes,
            "name": html.escape(label_name), "contours": [
                {"label": html.escape(k), "x": _nice(c[:, 0]), "y": _nice(c[:, 1])} for k, c in curves.items()]}
    body = LATENT_BODY.replace("__Z1__", axes[0]).replace("__Z2__", axes[1])
    return _widget("latent-explorer", title, body, LATENT_JS, data)


def _ticks(low: float, high: float, count: int = 5) -> np.ndarray:
    """About ``count`` round tick values between ``low`` and ``high``."""
    step = (high - low) / count
    step = min((m * 10 ** np.floor(np.log10(step)) for m in (1, 2, 2.5, 5, 10)), key=lambda v: abs(v - step))
    return np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step
