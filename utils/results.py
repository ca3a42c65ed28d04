"""A chapter's headline results: printed, glued for the prose, and recorded for the notebook's metadata.

``record_results(test_psnr_db=27.1)`` prints the figures, stores them in the JSON file that the execution
tool names in ``COURSE_RESULTS_FILE`` (it becomes ``metadata.course.results``) and glues each one under its
own name, so that a markdown cell can quote it as {glue:text}`test_psnr_db:.2f` (myst-nb's glue).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch

RESULTS_ENV = "COURSE_RESULTS_FILE"
GLUE_PREFIX = "application/papermill.record/"  # myst-nb's prefix for glued values that are not displayed


def glue(name: str, value) -> None:
    """Glue ``value`` (a number or a string) under ``name`` for the prose, without displaying it.

    The same display data as ``myst_nb.glue(name, value, display=False)``, so it works where myst-nb is not
    installed (Colab, Kaggle); outside a notebook kernel it does nothing.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with every Jupyter kernel
        return
    if get_ipython() is None:
        return
    bundle = {GLUE_PREFIX + "text/plain": repr(_plain(name, value))}
    display(bundle, raw=True, metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}})


def _plain(name: str, value) -> float | int | str:
    """Return ``value`` as a plain int, float (6 significant digits) or str; raise TypeError otherwise."""
    if isinstance(value, (torch.Tensor, np.generic)):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"Result {name!r} must be a number or a string, not {type(value).__name__}.")
    return float(f"{value:.6g}") if isinstance(value, float) else value


def record_results(**values: float | int | str) -> None:
    """Print a chapter's headline figures, glue each under its name and store them for the metadata."""
    clean = {name: _plain(name, value) for name, value in values.items()}
    write_record({"results": clean})
    width = max(map(len, clean))
    print("Headline results of this run:")
    for name, value in clean.items():
        print(f"  {name:<{width}}  {value}")
    for name, value in clean.items():
        glue(name, value)


def write_record(update: dict) -> None:
    """Merge ``update`` into the JSON file named by ``COURSE_RESULTS_FILE``, if that is set.

    Dictionaries are merged one level deep (``{"results": {...}}`` adds to the results); other values
    replace what was there.
    """
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    path = Path(path)
    record = json.loads(path.read_text()) if path.exists() else {}
    for key, value in update.items():
        if isinstance(value, dict):
            record.setdefault(key, {}).update(value)
        else:
            record[key] = value
    path.write_text(json.dumps(record, indent=1))
