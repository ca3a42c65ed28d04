"""utils.progress: the training loops' progress bar."""

import io

from utils.progress import progress
from utils.settings import progress as chapters_progress


def test_progress_writes_a_text_bar_that_ends_complete():
    stream = io.StringIO()
    assert list(progress(range(3), desc="training", file=stream)) == [0, 1, 2]
    final = stream.getvalue().split("\r")[-1]
    assert "training" in final and "100%" in final and "3/3" in final


def test_the_chapters_import_the_same_progress_bar_from_settings():
    assert chapters_progress is progress
