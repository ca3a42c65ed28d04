"""The built book (make book builds it into _build/html with -W before the tests run)."""

import json
import re
from html import unescape
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import ROOT

HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]


@pytest.fixture(scope="module")
def built():
    if not (HTML / "index.html").exists():
        pytest.fail("_build/html is missing: run `make book` (make test does it first).")
    return HTML


PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def source_markdown(page: str) -> str:
    """The markdown of a page's source: the .md file, or a notebook's markdown cells."""
    path = ROOT / f"{page}.md"
    if path.exists():
        return path.read_text()
    nb = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def plain_text(html_fragment: str) -> str:
    """Text of an HTML fragment with tags removed, white space collapsed and typographic quotes made plain."""
    text = unescape(re.sub(r"<[^>]+>", " ", html_fragment)).translate(PLAIN_QUOTES)
    return " ".join(text.split())


def first_plain_line(markdown: str, words: int = 6) -> str | None:
    """The first ``words`` words of the first prose line with no markup that HTML would change."""
    for line in markdown.splitlines():
        if not line.startswith("#") and len(line.split()) >= words and not re.search(r"[`$*_\[\]{}<>|\\:]", line):
            return " ".join(line.split()[:words])
    return None


@pytest.mark.parametrize("page", PAGES)
def test_every_toc_entry_is_a_page_with_its_title_and_its_content(built, page):
    html = (built / f"{page}.html").read_text()
    assert "Traceback" not in html
    heading = re.search(r"^# (.+)$", source_markdown(page), re.MULTILINE).group(1).strip()
    title = plain_text(re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1))
    assert title == f"{heading} — {CONFIG['title']}", page
    article = re.search(r'<article class="bd-article">(.*?)</article>', html, re.DOTALL)
    assert article, f"{page} has no main article"
    text = plain_text(article.group(1))
    assert text.startswith(heading), f"{page}: the article does not start with its heading {heading!r}"
    line = first_plain_line(source_markdown(page))
    if line:
        assert line in text, f"{page}: {line!r} from the source is missing from the page"
    else:
        assert len(text) > 500, f"{page}: the page has almost no content"


def test_chapter_pages_have_colab_and_kaggle_links_from_the_config(built):
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    branch = CONFIG["repository"]["branch"]
    for page in (p for p in PAGES if p.startswith("notebooks/")):
        html = (built / f"{page}.html").read_text()
        name = page.split("/")[1]
        colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{name}.ipynb"
        kaggle = f"https://kaggle.com/kernels/welcome?src=https://github.com/{repo}/blob/{branch}/notebooks/{name}.ipynb"
        assert f'href="{colab}"' in html and f'href="{kaggle}"' in html, page
        assert f"blob/{branch}/student/{name}.ipynb" in html, page


def plotly_divs(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            yield from re.findall(r'Plotly\.newPlot\(\s*"([0-9a-f-]+)"', "".join(html))


def test_plotly_figures_are_in_the_html_with_their_data_and_plotly_js(built):
    found = 0
    for page in (p for p in PAGES if p.startswith("notebooks/")):
        nb = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
        html = (built / f"{page}.html").read_text()
        for div in plotly_divs(nb):
            assert f'id="{div}"' in html and html.count(div) >= 2, f"{page}: plotly figure {div} not in the HTML"
            found += 1
        if found:
            assert "_static/plotly.min.js" in html
    assert found > 0, "no plotly figure in any chapter"
    assert (built / "_static" / "plotly.min.js").stat().st_size > 1_000_000


def test_solutions_are_hidden_behind_toggles(built):
    for page in (p for p in PAGES if p.startswith("notebooks/")):
        nb = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
        html = (built / f"{page}.html").read_text()
        solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        code = [c for c in solutions if c.cell_type == "code"]
        assert html.count("tag_solution") >= len(code), page
        dropdowns = html.count('class="admonition dropdown') + html.count("dropdown admonition")
        assert dropdowns >= len(solutions) - len(code), page


def test_search_index_exists(built):
    text = (built / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1: text.rindex(")")])
    assert set(PAGES) <= set(index["docnames"])


def test_maths_is_typeset_by_mathjax_served_from_the_book_itself(built):
    mathjax = CONFIG["sphinx"]["config"]["mathjax_path"]
    assert (built / "_static" / mathjax).stat().st_size > 500_000
    assert list((built / "_static" / Path(mathjax).parent / "output" / "chtml" / "fonts").rglob("*.woff"))
    for page in (p for p in PAGES if p.startswith("notebooks/")):
        html = (built / f"{page}.html").read_text()
        scripts = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, flags=re.IGNORECASE)
        assert [src.split("?")[0] for src in scripts] == [f"../_static/{mathjax}"], f"{page}: MathJax {scripts}"
