"""Figures for the course: image grids, reconstruction rows, curves, scatters and animations.

This package is the stable import point the chapters use (``from utils.plotting import show_rows``); the
helpers live in modules by what they draw:

- ``images``: image grids and labelled rows, interpolation strips, a decoded code plane, power spectra;
- ``charts``: training curves, a bottleneck sweep, bar charts, cross-validation scores, a model's summary;
- ``interactive``: plotly scatters (interactive in the book and in Colab) and marked points on them;
- ``animation``: animations with play controls (JavaScript that plays in the static book and in Colab);
- ``draw_block_diagram`` comes from ``utils.diagrams``, with the other explanatory diagrams.

Matplotlib for images and curves (they end up as PNGs in the book), plotly for interactive scatters.
"""

from utils.diagrams import draw_block_diagram
from utils.plotting.animation import animate, animate_rows
from utils.plotting.charts import model_summary, plot_bars, plot_bottleneck_sweep, plot_curves, plot_fold_scores
from utils.plotting.images import (
    GREY,
    image_grid,
    shared_range,
    show_images,
    show_interpolation,
    show_latent_grid,
    show_rows,
    show_spectra,
    to_unit_range,
)
from utils.plotting.interactive import mark_points, scatter_2d, scatter_3d, show_plotly

__all__ = [
    "GREY", "animate", "animate_rows", "draw_block_diagram", "image_grid", "mark_points", "model_summary",
    "plot_bars", "plot_bottleneck_sweep", "plot_curves", "plot_fold_scores", "scatter_2d", "scatter_3d",
    "shared_range", "show_images", "show_interpolation", "show_latent_grid", "show_plotly", "show_rows",
    "show_spectra", "to_unit_range",
]
