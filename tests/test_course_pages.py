"""book/_ext/course_pages.py, the book's Sphinx extension, function by function (no book build needed)."""

import importlib.util
from types import SimpleNamespace

import pytest
from conftest import ROOT
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from PIL import Image

_spec = importlib.util.spec_from_file_location("course_pages", ROOT / "book" / "_ext" / "course_pages.py")
course_pages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(course_pages)


def document():
    """An empty docutils document to build test doctrees in."""
    return new_document("test", get_default_settings(Parser))


def figure(uri: str, caption: str | None) -> nodes.figure:
    """A figure node holding an image and, if given, a caption."""
    node = nodes.figure("", nodes.image(uri=uri))
    if caption:
        node += nodes.caption(caption, caption)
    return node


def test_launch_links_build_colab_and_kaggle_urls_for_both_editions():
    links = course_pages.launch_links("https://github.com/o/r/", "main", "notebooks/01_x.ipynb")
    assert links["colab"] == "https://colab.research.google.com/github/o/r/blob/main/notebooks/01_x.ipynb"
    assert links["kaggle"] == "https://kaggle.com/kernels/welcome?src=https://github.com/o/r/blob/main/notebooks/01_x.ipynb"
    assert links["colab_student"].endswith("/o/r/blob/main/student/01_x.ipynb")
    assert links["kaggle_student"].endswith("github.com/o/r/blob/main/student/01_x.ipynb")


def test_caption_of_reads_the_enclosing_figure_caption():
    captioned, bare = figure("a.png", "A  caption\nover two lines."), figure("b.png", None)
    assert course_pages.caption_of(captioned[0]) == "A caption over two lines."
    assert course_pages.caption_of(bare[0]) is None
    assert course_pages.caption_of(nodes.paragraph("", "", nodes.image(uri="c.png"))[0]) is None


def test_add_alt_to_raw_html_fills_only_missing_alt_and_escapes_it():
    html = '<img id="_anim_img1">\n<img alt="kept" src="x.png">'
    out = course_pages.add_alt_to_raw_html(html, 'The "grid" <2>')
    assert out == '<img alt="The &quot;grid&quot; &lt;2&gt;" id="_anim_img1">\n<img alt="kept" src="x.png">'


def test_set_image_alt_uses_the_caption_else_the_page_title():
    doc = document()
    doc += figure("a.png", "Zero insertion.")
    doc += nodes.image(uri="b.png")
    doc += nodes.image(uri="c.png", alt="Given")
    doc += nodes.raw("", '<div class="animation"><img id="_anim_img7"></div>', format="html")
    doc += nodes.raw("", '<img src="d.png">', format="html")
    app = SimpleNamespace(env=SimpleNamespace(titles={"ch": nodes.title("", "1. Arithmetic")}))
    course_pages.set_image_alt(app, doc, "ch")
    assert [i["alt"] for i in doc.findall(nodes.image)] == ["Zero insertion.", "Figure: 1. Arithmetic", "Given"]
    raws = [r.astext() for r in doc.findall(nodes.raw)]
    assert 'alt="Animation: 1. Arithmetic"' in raws[0] and 'alt="Figure: 1. Arithmetic"' in raws[1]


def test_image_width_reads_raster_files_and_refuses_others(tmp_path):
    Image.new("RGB", (321, 10)).save(tmp_path / "a.png")
    (tmp_path / "b.png").write_text("not an image")
    assert course_pages.image_width(tmp_path / "a.png") == 321
    assert course_pages.image_width(tmp_path / "b.png") is None
    assert course_pages.image_width(tmp_path / "missing.png") is None


def test_link_wide_images_links_only_images_wider_than_the_column(tmp_path):
    Image.new("RGB", (course_pages.WIDE_IMAGE_PX + 1, 10)).save(tmp_path / "wide.png")
    Image.new("RGB", (course_pages.WIDE_IMAGE_PX, 10)).save(tmp_path / "narrow.png")
    doc = document()
    doc += figure("wide.png", "Wide.")
    doc += nodes.image(uri="narrow.png")
    builder = SimpleNamespace(format="html", get_target_uri=lambda docname: docname + ".html")
    images = {"wide.png": ({"notebooks/ch"}, "wide1.png"), "narrow.png": ({"notebooks/ch"}, "narrow.png")}
    app = SimpleNamespace(builder=builder, srcdir=str(tmp_path), env=SimpleNamespace(images=images))
    course_pages.link_wide_images(app, doc, "notebooks/ch")
    wide, narrow = doc.findall(nodes.image)
    assert isinstance(wide.parent, nodes.reference) and wide.parent["refuri"] == "../_images/wide1.png"
    assert "course-zoom" in wide.parent["classes"] and isinstance(wide.parent.parent, nodes.figure)
    assert not isinstance(narrow.parent, nodes.reference)


def test_drop_duplicate_inline_scripts_keeps_one_of_each_inline_script():
    def script(filename, body=None):
        return SimpleNamespace(filename=filename, attributes={"body": body} if body else {})

    scripts = [script("a.js"), script(None, "const A = 1"), script("b.js"), script("", "const A = 1"),
               script("", "var t = 2"), script("a.js")]
    context = {"script_files": scripts}
    course_pages.drop_duplicate_inline_scripts(None, "p", "page.html", context, None)
    assert context["script_files"] is scripts
    assert [(s.filename, s.attributes.get("body")) for s in scripts] == [
        ("a.js", None), (None, "const A = 1"), ("b.js", None), ("", "var t = 2"), ("a.js", None)]


def test_set_theme_defaults_fills_in_only_what_is_unset():
    config = SimpleNamespace(html_context={}, html_theme_options={"navbar_persistent": ["search"]})
    course_pages.set_theme_defaults(None, config)
    assert config.html_context == {"default_mode": "auto"}
    assert config.html_theme_options == {"navbar_persistent": ["search"]}
    config = SimpleNamespace(html_context={}, html_theme_options={})
    course_pages.set_theme_defaults(None, config)
    assert config.html_theme_options == {"navbar_persistent": []}


@pytest.mark.parametrize("pagename, badged", [("notebooks/01_x", True), ("book/setup", False)])
def test_add_badges_goes_under_the_title_of_chapter_pages_only(pagename, badged):
    options = {"repository_url": "https://github.com/o/r", "repository_branch": "main"}
    app = SimpleNamespace(config=SimpleNamespace(html_theme_options=options))
    context = {"body": "<h1>Title</h1><p>Text</p>"}
    course_pages.add_badges(app, pagename, "page.html", context, None)
    if badged:
        assert context["body"].startswith("<h1>Title</h1><div class=\"course-launch\"")
        assert "github/o/r/blob/main/notebooks/01_x.ipynb" in context["body"]
    else:
        assert context["body"] == "<h1>Title</h1><p>Text</p>"


def test_copy_plotly_puts_plotly_js_in_static(tmp_path):
    (tmp_path / "_static").mkdir()
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path))
    course_pages.copy_plotly(app, None)
    assert (tmp_path / "_static" / "plotly.min.js").stat().st_size > 1_000_000


def test_the_book_configures_its_own_mathjax_not_a_cdn():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    path = config["sphinx"]["config"]["mathjax_path"]
    assert course_pages.local_mathjax_path(SimpleNamespace(mathjax_path=path)) == path
    assert (course_pages.mathjax_source() / path.split("/")[-1]).is_file()


@pytest.mark.parametrize(("path", "local"), [
    ("mathjax/tex-mml-chtml.js", True), ("https://cdn.example/mathjax@3/tex-chtml.js", False),
    ("//cdn.example/tex-chtml.js", False), ("/abs/tex-chtml.js", False), ("", False)])
def test_local_mathjax_path_tells_the_books_own_file_from_a_url(path, local):
    assert (course_pages.local_mathjax_path(SimpleNamespace(mathjax_path=path)) == path) is local


def test_copy_mathjax_puts_the_component_and_what_it_loads_in_static(tmp_path):
    config = SimpleNamespace(mathjax_path="mathjax/tex-mml-chtml.js")
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path), config=config)
    course_pages.copy_mathjax(app, None)
    folder = tmp_path / "_static" / "mathjax"
    assert "MathJax" in (folder / "tex-mml-chtml.js").read_text(encoding="utf-8")[:5_000_000]
    assert list((folder / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))  # the CHTML fonts
    assert (folder / "input" / "tex" / "extensions" / "cancel.js").is_file()  # what \cancel autoloads
    assert not (folder / "tex-svg-full.js").exists()  # only the component the book uses


def test_copy_mathjax_does_nothing_for_a_url_a_failed_build_or_another_builder(tmp_path):
    for path, exception, builder in (("https://cdn.example/tex-chtml.js", None, "html"),
                                     ("mathjax/tex-mml-chtml.js", RuntimeError("x"), "html"),
                                     ("mathjax/tex-mml-chtml.js", None, "latex")):
        app = SimpleNamespace(builder=SimpleNamespace(format=builder), outdir=str(tmp_path),
                              config=SimpleNamespace(mathjax_path=path))
        course_pages.copy_mathjax(app, exception)
    assert not (tmp_path / "_static").exists()


def test_check_mathjax_stops_a_build_whose_mathjax_file_is_not_installed():
    course_pages.check_mathjax(None, SimpleNamespace(mathjax_path="mathjax/tex-mml-chtml.js"))
    course_pages.check_mathjax(None, SimpleNamespace(mathjax_path="https://cdn.example/tex-chtml.js"))
    with pytest.raises(course_pages.ExtensionError, match="not in"):
        course_pages.check_mathjax(None, SimpleNamespace(mathjax_path="mathjax/no-such-component.js"))
