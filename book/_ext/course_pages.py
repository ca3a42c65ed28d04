"""Sphinx extension for the course book.

* adds "Open in Colab" and "Open in Kaggle" badges (book edition and student edition) to every
  chapter page, built from the repository URL set once in ``_config.yml``;
* ships plotly.js with the book so interactive figures draw offline.
"""

from __future__ import annotations

import shutil
from pathlib import Path

BADGES = """<div class="course-launch" role="navigation" aria-label="Run this chapter">
  <span class="course-launch-label">Run this chapter:</span>
  <a class="course-badge colab" href="{colab}">Open in Colab</a>
  <a class="course-badge kaggle" href="{kaggle}">Open in Kaggle</a>
  <span class="course-launch-label">Student edition (no solutions):</span>
  <a class="course-badge colab student" href="{colab_student}">Colab</a>
  <a class="course-badge kaggle student" href="{kaggle_student}">Kaggle</a>
</div>
"""


def launch_links(repository_url: str, branch: str, notebook_path: str) -> dict[str, str]:
    """Return the Colab and Kaggle URLs of a notebook (and its student edition) on GitHub."""
    repo = repository_url.rstrip("/").removeprefix("https://github.com/")
    student_path = "student/" + notebook_path.split("/", 1)[1]
    links = {}
    for key, path in (("", notebook_path), ("_student", student_path)):
        blob = f"https://github.com/{repo}/blob/{branch}/{path}"
        links["colab" + key] = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"
        links["kaggle" + key] = f"https://kaggle.com/kernels/welcome?src={blob}"
    return links


def add_badges(app, pagename, templatename, context, doctree):
    """Insert the launch badges under the title of every chapter (``notebooks/``) page."""
    if not pagename.startswith("notebooks/") or "body" not in context:
        return
    options = app.config.html_theme_options
    links = launch_links(options["repository_url"], options.get("repository_branch", "main"),
                         pagename + ".ipynb")
    body = context["body"]
    cut = body.find("</h1>")
    cut = cut + len("</h1>") if cut >= 0 else 0
    context["body"] = body[:cut] + BADGES.format(**links) + body[cut:]


def copy_plotly(app, exception):
    """Copy plotly's bundled plotly.min.js into the built book's _static folder."""
    if exception is not None or app.builder.format != "html":
        return
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copy(source, Path(app.outdir) / "_static" / "plotly.min.js")


def setup(app):
    app.add_js_file("plotly.min.js", priority=200)
    app.add_css_file("course.css")
    app.connect("html-page-context", add_badges)
    app.connect("build-finished", copy_plotly)
    static = Path(__file__).parent / "static"
    app.config.html_static_path.append(str(static))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
