"""The progress bar of the training loops: a text bar that updates in place on Colab and reads well in the book.

The chapters import it as ``utils.settings.progress`` (re-exported there), beside the run settings.
"""

from __future__ import annotations

import sys


def progress(iterable=None, **kwargs):
    """Return a text progress bar (tqdm) that updates in place on Colab and reads well in the book."""
    from tqdm.std import tqdm

    options = {"file": sys.stdout, "ncols": 100, "mininterval": 1.0, "ascii": False, "leave": True}
    options.update(kwargs)
    return tqdm(iterable, **options)
