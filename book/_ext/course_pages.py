"""Sphinx extension for the course book.

* adds "Open in Colab" and "Open in Kaggle" badges (book edition and student edition) to every
  chapter page, built from the repository URL set once in ``_config.yml``;
* ships plotly.js and MathJax with the book so interactive figures draw and maths is typeset offline;
* gives every image alt text: its figure caption, else "Figure: <page title>" (matplotlib outputs have none);
* links each image wider than the text column to its full-size file, so a shrunk figure can be read;
* works around two theme-stack glitches that raise errors in the browser console (see the functions).
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from PIL import Image
from sphinx.errors import ExtensionError
from sphinx.util.osutil import relative_uri

# The text column of the theme is at most about 770 px wide: wider images are shown shrunk.
WIDE_IMAGE_PX = 780

BADGES = """<div class="course-launch" role="navigation" aria-label="Run this chapter">
  <span class="course-launch-group"><span class="course-launch-label">Run this chapter:</span>
  <a class="course-badge colab" href="{colab}">Open in Colab</a>
  <a class="course-badge kaggle" href="{kaggle}">Open in Kaggle</a></span>
  <span class="course-launch-group"><span class="course-launch-label">Student edition (no solutions):</span>
  <a class="course-badge colab student" href="{colab_student}">Colab</a>
  <a class="course-badge kaggle student" href="{kaggle_student}">Kaggle</a></span>
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


def caption_of(node: nodes.Node) -> str | None:
    """Return the caption text of the figure that holds ``node``, or None when it is in no captioned figure."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.figure):
        parent = parent.parent
    captions = [] if parent is None else list(parent.findall(nodes.caption))
    text = " ".join(captions[0].astext().split()) if captions else ""
    return text or None


def add_alt_to_raw_html(text: str, alt: str) -> str:
    """Give every ``<img>`` tag in raw HTML that has no alt attribute the alt text ``alt``."""
    return re.sub(r"<img\b(?![^>]*\salt\s*=)", f'<img alt="{html.escape(alt)}"', text)


def set_image_alt(app, doctree, docname):
    """Set alt text on images that have none: the figure caption, else "Figure: <page title>"."""
    title = app.env.titles[docname].astext() if docname in app.env.titles else docname
    for image in doctree.findall(nodes.image):
        if not image.get("alt"):
            image["alt"] = caption_of(image) or f"Figure: {title}"
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split() and "<img" in raw.astext():
            kind = "Animation" if "_anim_img" in raw.astext() else "Figure"
            raw.replace(raw[0], nodes.Text(add_alt_to_raw_html(raw.astext(), f"{kind}: {title}")))


def image_width(path: Path) -> int | None:
    """The width in pixels of an image file, or None when it cannot be read as a raster image."""
    try:
        with Image.open(path) as image:
            return image.width
    except (OSError, ValueError):
        return None


def link_wide_images(app, doctree, docname):
    """Wrap each image wider than the text column in a link to its full-size copy in ``_images``."""
    if app.builder.format != "html":
        return
    folder = relative_uri(app.builder.get_target_uri(docname), "_images")
    for image in list(doctree.findall(nodes.image)):
        known = app.env.images.get(image["uri"])
        if known is None or isinstance(image.parent, nodes.reference):
            continue
        if (image_width(Path(app.srcdir, image["uri"])) or 0) > WIDE_IMAGE_PX:
            link = nodes.reference("", "", internal=True, refuri=posixpath.join(folder, known[1]),
                                   reftitle="Open the full-size image", classes=["course-zoom"])
            image.replace_self(link)
            link.append(image)


def drop_duplicate_inline_scripts(app, pagename, templatename, context, doctree):
    """Keep one copy of each inline ``<script>``: Sphinx 7.4 lists those added after the builder started twice
    (as filename None and ''), and sphinx-thebe's ``const THEBE_JS_URL`` then fails with a SyntaxError."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = None if script.filename else repr(sorted(script.attributes.items()))
        if key is None or key not in seen:
            unique.append(script)
            seen.add(key)
    scripts[:] = unique


def set_theme_defaults(app, config):
    """Fill in two theme settings that newer pydata-sphinx-theme releases get wrong under sphinx-book-theme: the
    light/dark mode (left empty, the theme logs an error) and the top bar (it adds one holding a second search box)."""
    config.html_context.setdefault("default_mode", "auto")
    config.html_theme_options.setdefault("navbar_persistent", [])


def copy_plotly(app, exception):
    """Copy plotly's bundled plotly.min.js into the built book's _static folder."""
    if exception is not None or app.builder.format != "html":
        return
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copy(source, Path(app.outdir) / "_static" / "plotly.min.js")


# What the book's MathJax component (``mathjax_path`` in _config.yml, e.g. mathjax/tex-mml-chtml.js) loads on
# demand, besides itself: TeX extensions, fonts, the menu and its accessibility and speech options.
MATHJAX_PARTS = ("a11y", "adaptors", "input", "output", "sre", "ui")


def mathjax_source() -> Path:
    """The folder of MathJax 3's browser components (``es5``) in the django-static-mathjax package."""
    try:
        import mathjax
    except ImportError as error:
        raise ExtensionError("The book serves MathJax itself, from the pip package django-static-mathjax "
                             "(requirements.txt): run `make setup`, or `pip install django-static-mathjax`.") from error
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def local_mathjax_path(config) -> str | None:
    """``mathjax_path`` when it names a file of the book itself (relative to ``_static``), else None (a URL)."""
    path = config.mathjax_path or ""
    return None if not path or "://" in path or path.startswith(("/", "//")) else path


def check_mathjax(app, config):
    """Fail the build at once, with what to do, when the book's own MathJax is configured but not installed."""
    if (path := local_mathjax_path(config)) and not (mathjax_source() / Path(path).name).is_file():
        raise ExtensionError(f"mathjax_path is {path!r}, but {Path(path).name} is not in {mathjax_source()}.")


def copy_mathjax(app, exception):
    """Copy MathJax's component named by ``mathjax_path`` and what it loads into the built book's _static."""
    path = local_mathjax_path(app.config)
    if exception is not None or app.builder.format != "html" or path is None:
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / Path(path).parent
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / Path(path).name, target / Path(path).name)
    for part in MATHJAX_PARTS:
        shutil.copytree(source / part, target / part, dirs_exist_ok=True)


DUPLICATE_GLUE = re.compile(r"^glue key '[^']+' duplicate")


def _not_a_duplicate_glue(record) -> bool:
    """Logging filter: drop myst-nb's "glue key ... duplicate" warning. A chapter's record_results glues each
    headline result, and a chapter may glue the same number again for its prose; the tests check that a key
    glued twice has the same value both times (tests/test_notebooks.py), so the warning says nothing."""
    return not DUPLICATE_GLUE.match(str(record.msg))


def allow_repeated_glue(app, config) -> None:
    """Put the filter first on every handler of Sphinx's logger (before -W turns warnings into errors)."""
    import logging

    for handler in logging.getLogger("sphinx").handlers:
        handler.filters.insert(0, _not_a_duplicate_glue)


def setup(app):
    """Register the hooks above, the course stylesheet and plotly.js with Sphinx."""
    app.add_js_file("plotly.min.js", priority=200)
    app.add_css_file("course.css")
    app.connect("config-inited", set_theme_defaults)
    app.connect("doctree-resolved", set_image_alt)
    app.connect("doctree-resolved", link_wide_images)
    app.connect("html-page-context", add_badges)
    app.connect("html-page-context", drop_duplicate_inline_scripts, priority=900)
    app.connect("config-inited", check_mathjax)
    app.connect("config-inited", allow_repeated_glue)
    app.connect("build-finished", copy_plotly)
    app.connect("build-finished", copy_mathjax)
    static = Path(__file__).parent / "static"
    app.config.html_static_path.append(str(static))
    # env_version: bump it when a change here alters the pages, so that incremental builds redo every page.
    return {"env_version": 4, "parallel_read_safe": True, "parallel_write_safe": True}
