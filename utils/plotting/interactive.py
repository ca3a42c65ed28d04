"""Interactive plotly figures: 2-D and 3-D scatters of codes, marked points, and showing them in the book."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import torch


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
    if dims == 3:  # a camera a little farther away than plotly's default keeps the axis titles in view
        layout["scene"] = {f"{a}axis_title": t for a, t in zip("xyz", axis_titles)}
        layout["scene_camera"] = {"eye": {"x": 1.6, "y": 1.6, "z": 1.1}}
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


def mark_points(fig, points, texts: Sequence[str] | None = None, name: str = "chosen points"):
    """Add black, labelled (default 1, 2, ...) markers at (N, 2) ``points`` to a plotly 2-D scatter (chapter 2)."""
    import plotly.graph_objects as go

    points = np.asarray(torch.as_tensor(points, dtype=torch.float32).detach().cpu())
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"Expected points shaped (N, 2) with N >= 1, got {points.shape}.")
    texts = [str(i + 1) for i in range(len(points))] if texts is None else [str(t) for t in texts]
    if len(texts) != len(points):
        raise ValueError(f"Got {len(texts)} texts for {len(points)} points.")
    fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers+text", text=texts, name=name,
                             textposition="top center", marker={"symbol": "x", "size": 12, "color": "black"}))
    return fig


def show_plotly(fig) -> None:
    """Display a plotly figure: interactive in the built book, and in Colab, Kaggle or JupyterLab.

    When the notebook is executed for the book (``COURSE_RESULTS_FILE`` set) the figure is stored as
    HTML that draws with the book's bundled plotly.js; elsewhere plotly's own renderer shows it.
    """
    from IPython.display import HTML, display

    from utils.results import RESULTS_ENV

    if os.environ.get(RESULTS_ENV) and not os.environ.get("PLOTLY_RENDERER"):
        display(HTML(fig.to_html(include_plotlyjs=False, full_html=False, config={"responsive": True})))
    else:
        fig.show()
