"""The built book in a real browser: headless Chromium from Debian's packages (`make browser` installs it).

The built HTML (``_build/html``, or the folder in ``COURSE_BOOK_HTML``) is served on localhost and every page of
``_toc.yml`` is visited once by one browser, which is kept off the network. Each visit records what the checks
below need; a screenshot of each page's first screen goes to ``screenshots/`` beside the HTML folder.
The browser reaches nothing but the local server, so whatever a page needs (plotly.js, MathJax and its fonts)
must come from the built book itself.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import ROOT
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HTML = Path(os.environ.get("COURSE_BOOK_HTML") or ROOT / "_build" / "html").resolve()
SHOTS = HTML.parent / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]
# The chapter each search must find. A chapter not in _toc.yml yet is skipped, with the reason.
SEARCHES = {
    "transpose convolution": "notebooks/01_transpose_convolution",
    "bottleneck": "notebooks/05_cifar10_bottleneck",
    "denoising": "notebooks/04_denoising_autoencoder",
    "discriminator": "notebooks/06_dcgan_faces",
}
# Code cells that must fit the text column at a 1280-px-wide window (no sideways scrolling): the chapters
# re-run under the 88-column rule. A chapter joins CODE_FITS_PAGE when it is re-run under that rule;
# until then it is listed, with the reason, in CODE_WIDTH_NOT_YET_COVERED (a test checks every chapter is
# in exactly one of the two).
CODE_FITS_PAGE = {"notebooks/01_transpose_convolution", "notebooks/02_mnist_autoencoder",
                  "notebooks/03_latent_interpolation", "notebooks/04_denoising_autoencoder",
                  "notebooks/07_multi_input_networks", "notebooks/08_variational_autoencoder",
                  "notebooks/09_gan_training_dynamics"}
CODE_WIDTH_NOT_YET_COVERED = {
    "notebooks/05_cifar10_bottleneck": "its code is reformatted to 88 columns when it is next re-run on a GPU",
    "notebooks/06_dcgan_faces": "its code is reformatted to 88 columns when it is next re-run on a GPU",
}
# Headless, and off the network: every host name but 127.0.0.1 fails to resolve, and the browser's own
# background traffic (updates, sync, safe browsing lists, first-run pages) is switched off.
BROWSER_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--no-first-run", "--no-default-browser-check", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,800", "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=en-US",
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without printing a log line per request."""

    def log_message(self, format, *args):
        pass


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``directory`` on a free localhost port from a daemon thread; return the running server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser_options(binary: str) -> Options:
    """Chromium options: the Debian binary, the offline flags above and the browser log switched on."""
    options = Options()
    options.binary_location = binary
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


def own_errors(entries: list[dict], origin: str) -> list[str]:
    """The error messages of the browser log, less failed requests to other hosts than ``origin``: the test
    browser is off the network on purpose, and those files (to_jshtml's icon CSS) load for readers online."""
    return [e["message"] for e in entries if e["level"] == "SEVERE"
            and not (e["source"] == "network" and not e["message"].startswith(origin))]


def launch_urls(page: str) -> set[str]:
    """The Colab and Kaggle URLs of a chapter and of its student edition, from the repository in _config.yml."""
    repo = CONFIG["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
    branch = CONFIG["repository"].get("branch", "main")
    urls = set()
    for folder in ("notebooks", "student"):
        path = f"{repo}/blob/{branch}/{folder}/{page.split('/', 1)[1]}.ipynb"
        urls |= {f"https://colab.research.google.com/github/{path}",
                 f"https://kaggle.com/kernels/welcome?src=https://github.com/{path}"}
    return urls


def wait_for(driver, script: str, *args, timeout: float = 10):
    """Run ``script`` in the page until it returns something truthy; return that (TimeoutException after)."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script, *args))


def eventually(driver, script: str, *args, timeout: float = 5) -> bool:
    """Whether ``script`` returns something truthy in the page within ``timeout`` seconds."""
    try:
        return bool(wait_for(driver, script, *args, timeout=timeout))
    except TimeoutException:
        return False


def click(driver, element) -> None:
    """Scroll ``element`` to the middle of the window and click it as a reader would."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


IMAGES_LOADED = "return [...document.images].every(i => i.complete)"
# MathJax has typeset every formula: each Sphinx .math element holds an mjx-container (none left as TeX).
MATH_TYPESET = """const math = document.querySelectorAll('.math');
return math.length === 0 || (!!window.MathJax && [...math].every(m => m.querySelector('mjx-container')))"""
DESCRIBE_MATH = """const root = document.querySelector('article') || document.body;
const math = [...root.querySelectorAll('.math')];
const skip = 'pre, code, kbd, script, style, mjx-container';
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
const parts = [];
for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement.closest(skip)) parts.push(n.nodeValue);
return {
  formulas: math.length,
  typeset: math.filter(m => m.querySelector('mjx-container')).length,
  scripts: [...document.scripts].map(s => s.src).filter(src => /mathjax/i.test(src)),
  text: parts.join('\\n'),  // all visible text but code, including formulas MathJax did not typeset
};"""
# Every code cell's source (hidden ones opened first): is it wider than its box, i.e. does it scroll sideways?
CODE_WIDTHS = """const root = document.querySelector('article') || document.body;
root.querySelectorAll('details').forEach(d => { d.open = true; });
return [...root.querySelectorAll('.cell_input pre')].map(pre => ({
  line: (pre.innerText.split('\\n').sort((a, b) => b.length - a.length)[0] || '').slice(0, 100),
  scroll: pre.scrollWidth, client: pre.clientWidth}));"""
PLOTLY_DRAWN = """const divs = document.querySelectorAll('.plotly-graph-div');
return [...divs].every(d => d.querySelector('svg.main-svg'))"""
DESCRIBE_PAGE = """const h1 = document.querySelector('article h1, main h1');
return {
  title: document.title,
  h1: h1 ? h1.textContent.replace(/#$/, '').trim() : '',
  footer: [...document.querySelectorAll('footer')].map(f => f.innerText).join(' '),
  icons: [...document.querySelectorAll('link[rel~="icon"]')].map(l => l.href),
  images: [...document.images].map(i => ({src: i.getAttribute('src') || i.id, alt: (i.getAttribute('alt') || '').trim(),
    width: i.naturalWidth, shown: i.getBoundingClientRect().width, content: !!i.closest('article'),
    zoom: i.closest('a.course-zoom')?.href === i.src})),
  plotly: [...document.querySelectorAll('.plotly-graph-div')].map(d => d.querySelectorAll('svg.main-svg').length),
  badges: [...document.querySelectorAll('.course-launch a')].map(a => a.href),
  launch: [...document.querySelectorAll('a[href*="colab.research.google.com"], a[href*="kaggle.com"]')]
          .map(a => a.href),
  text: prose(),
};
function prose() {  // the page's text, less code, program output and math: the text MyST should have rendered
  const skip = 'pre, code, kbd, script, style, .math, mjx-container, .cell_input, .cell_output, .headerlink';
  const walker = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement.closest(skip)) parts.push(n.nodeValue);
  return parts.join('\\n');
}"""
# Markdown or MyST syntax that reached the reader as text: fences, roles, directive options, bold, links, tags.
RAW_MARKUP = re.compile(
    r"```|:::|\{(?:cite|ref|numref|doc|eq|term|math|admonition|figure|note|warning|tip|code-cell)(?::\w+)?\}"
    r"|^\s*:\w+:|\*\*\w|\]\((?:https?:|\.|/|#)|</?(?:div|span|br|img|sup|sub|details)\b", re.M)


def raw_markup(text: str) -> list[str]:
    """The pieces of ``text`` that look like unrendered Markdown or MyST, each with a little context."""
    return [text[max(m.start() - 30, 0): m.end() + 30] for m in RAW_MARKUP.finditer(text)]
# Shown: rendered, not transparent or invisible, and with a height (a closed toggle's content has none of these).
SHOWN = """const e = arguments[0];
return e.checkVisibility({opacityProperty: true, visibilityProperty: true}) && e.offsetHeight > 0"""


def animation_frames(driver, player) -> dict:
    """Count a to_jshtml player's frames, then press "Next frame" and "Play": does the image change each time?"""
    image = player.find_element(By.CSS_SELECTOR, "img")
    slider = player.find_element(By.CSS_SELECTOR, "input.anim-slider")
    frames = int(slider.get_attribute("max")) + 1
    click(driver, player.find_element(By.CSS_SELECTOR, 'button[title="First frame"]'))
    first = image.get_attribute("src")
    click(driver, player.find_element(By.CSS_SELECTOR, 'button[title="Next frame"]'))
    stepped = image.get_attribute("src") != first
    click(driver, player.find_element(By.CSS_SELECTOR, 'button[title="First frame"]'))
    click(driver, player.find_element(By.CSS_SELECTOR, 'button[title="Play"]'))
    played = eventually(driver, "return arguments[0].src !== arguments[1]", image, first)
    click(driver, player.find_element(By.CSS_SELECTOR, 'button[title="Pause"]'))
    return {"frames": frames, "width": driver.execute_script("return arguments[0].naturalWidth", image),
            "stepped": stepped, "played": played}


def toggle_states(driver, toggle, handle: str, content: str) -> dict:
    """Whether ``content`` inside ``toggle`` is hidden at first and shown after a click on ``handle``."""
    inner, handles = toggle.find_elements(By.CSS_SELECTOR, content), toggle.find_elements(By.CSS_SELECTOR, handle)
    if not (inner and handles):
        return {"text": toggle.text[:60], "closed_at_first": False, "opens_on_click": False}
    closed = not driver.execute_script(SHOWN, inner[0])
    if not closed:  # already a failure; a click would only close it
        return {"text": toggle.text[:60], "closed_at_first": False, "opens_on_click": None}
    click(driver, handles[0])
    return {"text": toggle.text[:60], "closed_at_first": closed, "opens_on_click": eventually(driver, SHOWN, inner[0])}


def solution_toggles(driver) -> list[dict]:
    """Open every hidden solution: code cells tagged ``solution`` and dropdown admonitions."""
    found = [toggle_states(driver, cell, "summary", ".cell_input")
             for cell in driver.find_elements(By.CSS_SELECTOR, ".cell.tag_solution")]
    for box in driver.find_elements(By.CSS_SELECTOR, ".admonition.dropdown"):
        found.append(toggle_states(driver, box, ".admonition-title", ".admonition-title ~ *"))
    return found


def screenshot_path(page: str, shots: Path = SHOTS) -> Path:
    """Where the screenshot of a page of the table of contents goes."""
    return shots / (page.replace("/", "__") + ".png")


def visit(driver, site: str, page: str, shots: Path = SHOTS) -> dict:
    """Load one page, wait for its images and plotly figures, screenshot it, then work its players and toggles."""
    driver.get_log("browser")  # drop what earlier pages left
    driver.get(site + page + ".html")
    # Waits that time out are not errors here: the checks then report what did not load, draw or fold away.
    eventually(driver, IMAGES_LOADED, timeout=10)
    eventually(driver, PLOTLY_DRAWN, timeout=10)
    eventually(driver, MATH_TYPESET, timeout=15)
    eventually(driver, "return typeof initToggleItems === 'undefined' || document.querySelectorAll("
                       "'.admonition.dropdown:not(.toggle-hidden)').length === 0")
    shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(screenshot_path(page, shots)))
    record = driver.execute_script(DESCRIBE_PAGE)
    record["animations"] = [animation_frames(driver, p) for p in driver.find_elements(By.CSS_SELECTOR, ".animation")]
    record["toggles"] = solution_toggles(driver)
    record["math"] = driver.execute_script(DESCRIBE_MATH)
    record["code"] = driver.execute_script(CODE_WIDTHS)
    record["errors"] = own_errors(driver.get_log("browser"), site)
    return record


@pytest.fixture(scope="module")
def site():
    """The built book, served on localhost: yields its base URL."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: run `make book` first (make test does it).")
    server = serve(HTML)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def launch_browser(missing=pytest.fail):
    """Start one headless Chromium (with Debian's chromedriver, so Selenium Manager never downloads one) in a
    1280x800 laptop window; without chromium and chromedriver, call ``missing`` (fail or skip) with how to get
    them."""
    binary, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and chromedriver):
        missing("chromium and chromedriver are not installed: run `make browser` (make test does it first).")
    browser = webdriver.Chrome(service=Service(chromedriver), options=browser_options(binary))
    browser.set_page_load_timeout(60)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # browser UI aside
                            {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    return browser


@pytest.fixture(scope="module")
def driver():
    """The browser that visits the book's pages."""
    browser = launch_browser()
    yield browser
    browser.quit()


@pytest.fixture(scope="module", params=PAGES)
def page(request, site, driver):
    """Visit one page of the table of contents; return its name and what the visit recorded."""
    return request.param, visit(driver, site, request.param)


def test_pages_raise_no_javascript_error(page):
    name, record = page
    assert record["errors"] == [], f"{name}: {record['errors']}"


def test_every_image_has_alt_text_and_loads(page):
    name, record = page
    for image in record["images"]:
        assert image["alt"] and not re.search(r"\.(png|jpe?g|gif|svg)$", image["alt"]), f"{name}: {image}"
        assert image["width"] > 0, f"{name}: image did not load: {image['src'][:80]}"


def test_every_shrunk_image_links_to_its_full_size(page):
    name, record = page
    for image in record["images"]:
        if image["content"] and not image["src"].endswith(".svg") and 0 < image["shown"] < 0.8 * image["width"]:
            assert image["zoom"], f"{name}: {image['alt']!r} shown at {image['shown']:.0f} px, no full-size link"


def test_every_plotly_figure_draws(page):
    name, record = page
    assert all(svgs > 0 for svgs in record["plotly"]), f"{name}: plotly figures without an SVG: {record['plotly']}"


def test_every_animation_has_frames_and_plays(page):
    name, record = page
    for player in record["animations"]:
        assert player["frames"] >= 2 and player["width"] > 0, f"{name}: {player}"
        assert player["stepped"] and player["played"], f"{name}: the frame did not change: {player}"


def test_solution_toggles_are_closed_and_open_on_click(page):
    name, record = page
    for toggle in record["toggles"]:
        assert toggle["closed_at_first"] and toggle["opens_on_click"], f"{name}: {toggle}"


def test_launch_links_point_at_this_chapter_in_the_configured_repository(page):
    name, record = page
    if not name.startswith("notebooks/"):
        assert record["badges"] == [], f"{name}: launch badges on a page that is not a chapter"
        return
    assert (ROOT / f"{name}.ipynb").exists()
    expected = launch_urls(name)
    assert set(record["badges"]) == expected, f"{name}: {record['badges']}"
    assert set(record["launch"]) <= expected, f"{name}: {set(record['launch']) - expected}"


def test_page_title_book_title_author_copyright_and_favicon(page, site):
    name, record = page
    assert record["h1"] and record["title"] == f"{record['h1']} \N{EM DASH} {CONFIG['title']}", record["title"]
    assert f"By {CONFIG['author']}" in record["footer"], record["footer"]
    assert re.fullmatch(r"(\d{4}[-\N{EN DASH}])?\d{4}", str(CONFIG["copyright"])), CONFIG["copyright"]
    assert f"\N{COPYRIGHT SIGN} Copyright {CONFIG['copyright']}" in record["footer"], record["footer"]
    assert len(record["icons"]) == 1 and record["icons"][0].endswith(Path(CONFIG["html"]["favicon"]).name)
    with urllib.request.urlopen(record["icons"][0], timeout=10) as icon:
        assert icon.read(8) == b"\x89PNG\r\n\x1a\n"


def test_no_raw_markup_reaches_the_reader(page):
    name, record = page
    assert raw_markup(record["text"]) == [], f"{name}: {raw_markup(record['text'])}"


# TeX that reached the reader untypeset: \( \) \[ \] delimiters, $$, or an environment.
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\begin\{")


def test_maths_is_typeset_by_the_books_own_mathjax(page, site):
    name, record = page
    math = record["math"]
    if name.startswith("notebooks/"):
        assert math["formulas"] > 0, f"{name}: a chapter page without a single formula: is MathJax's input there?"
    assert bool(math["scripts"]) >= bool(math["formulas"]), f"{name}: formulas but no MathJax script"
    assert all(src.startswith(site) for src in math["scripts"]), f"{name}: MathJax not from the book: {math['scripts']}"
    assert math["typeset"] == math["formulas"], f"{name}: {math['formulas'] - math['typeset']} formulas not typeset"
    raw = [math["text"][max(m.start() - 30, 0): m.end() + 30] for m in RAW_TEX.finditer(math["text"])]
    assert raw == [], f"{name}: raw TeX in the visible text: {raw}"


def code_that_scrolls(record: dict) -> list[dict]:
    """The code cells of a visited page whose source is wider than its box (or that could not be measured)."""
    return [cell for cell in record["code"] if cell["client"] == 0 or cell["scroll"] > cell["client"]]


def test_every_chapter_is_covered_by_the_code_width_check_or_listed_as_not_yet():
    chapters = {p for p in PAGES if p.startswith("notebooks/")}
    assert not CODE_FITS_PAGE & set(CODE_WIDTH_NOT_YET_COVERED), "a chapter cannot be both checked and listed"
    assert chapters == CODE_FITS_PAGE | set(CODE_WIDTH_NOT_YET_COVERED), chapters ^ (
        CODE_FITS_PAGE | set(CODE_WIDTH_NOT_YET_COVERED))


def test_no_code_cell_scrolls_sideways_at_1280_px(page):
    name, record = page
    if name in CODE_WIDTH_NOT_YET_COVERED:
        pytest.skip(f"{name} is not covered yet: {CODE_WIDTH_NOT_YET_COVERED[name]}")
    if name not in CODE_FITS_PAGE:
        return  # not a chapter: prose pages have no code cells
    assert record["code"], f"{name}: no code cell found to measure"
    wide = code_that_scrolls(record)
    assert wide == [], f"{name}: {len(wide)} code cells scroll sideways at 1280 px, e.g. {wide[:3]}"


def test_the_first_screen_of_each_page_shows_something(page):
    """The screenshot the visit took (kept for readers of CI logs) is a full window with text on it, not blank."""
    with Image.open(screenshot_path(page[0])) as shot:
        assert shot.size == (1280, 800), shot.size
        grey = np.asarray(shot.convert("L"), dtype=np.int16)
    background = np.bincount(grey.ravel()).argmax()
    drawn = (np.abs(grey - background) > 40).mean()
    assert 0.01 < drawn < 0.9, f"{page[0]}: {drawn:.1%} of the first screen differs from its background"


@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds_the_chapter(query, site, driver):
    chapter = SEARCHES[query]
    if chapter not in PAGES:
        pytest.skip(f"{chapter} is not in _toc.yml yet")
    driver.get(site + "search.html?q=" + urllib.parse.quote_plus(query))
    # Sphinx fills the summary only when the search has finished. (Its _pulse_status is no signal: a pulse
    # already scheduled sets it back from -1 to 0 within 500 ms of the stop, so a poll could miss it.)
    wait_for(driver, "const s = document.querySelector('#search-results .search-summary');"
                     "return s && s.innerText.length > 0", timeout=30)
    found = driver.execute_script("return [...document.querySelectorAll('#search-results ul.search li a')]"
                                  ".map(a => new URL(a.href).pathname)")
    assert f"/{chapter}.html" in found, f"{query!r}: {found}"


def test_the_browser_is_kept_off_the_network(driver):
    with pytest.raises(WebDriverException, match="ERR_NAME_NOT_RESOLVED"):
        driver.get("http://example.com/")


BROKEN_PAGE = """<!DOCTYPE html><html><head><title>Broken</title></head><body><article><h1>Broken</h1>
<p>Some **bold** that MyST never saw.</p><img src="missing.png">
<div class="cell tag_solution"><details open><summary>Show</summary>
<div class="cell_input"><pre>x = 1</pre></div></details></div>
<div class="admonition dropdown"><p class="admonition-title">Solution</p><p>Shown from the start.</p></div>
<p>A formula <span class="math notranslate nohighlight">\\(x^2\\)</span> nobody typeset.</p>
<div class="cell"><div class="cell_input"><pre style="width: 300px; overflow-x: auto">y = 1  # a line
{long}</pre></div></div>
<script>notDefinedAnywhere();</script></article></body></html>""".replace("{long}", "z" * 200)


def test_a_visit_catches_what_a_broken_page_does_wrong(driver, tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_PAGE)
    server = serve(tmp_path)
    try:
        record = visit(driver, f"http://127.0.0.1:{server.server_port}/", "broken", shots=tmp_path / "shots")
    finally:
        server.shutdown()
    assert any("notDefinedAnywhere" in e for e in record["errors"]), record["errors"]
    assert any("missing.png" in e for e in record["errors"]), record["errors"]
    assert record["images"][0]["alt"] == "" and record["images"][0]["width"] == 0
    assert [t["closed_at_first"] for t in record["toggles"]] == [False, False]
    assert raw_markup(record["text"]) and (tmp_path / "shots" / "broken.png").exists()
    assert record["math"]["formulas"] == 1 and record["math"]["typeset"] == 0 and record["math"]["scripts"] == []
    assert RAW_TEX.search(record["math"]["text"])
    assert [cell["line"] for cell in code_that_scrolls(record)] == ["z" * 100]


def test_own_errors_leaves_out_only_blocked_requests_to_other_hosts():
    site = "http://127.0.0.1:8000/"
    entries = [
        {"level": "SEVERE", "source": "network", "message": "https://cdn.example/m.js - Failed to load resource"},
        {"level": "SEVERE", "source": "network", "message": site + "_images/a.png - Failed to load resource: 404"},
        {"level": "SEVERE", "source": "javascript", "message": site + "p.html 3:1 Uncaught TypeError: x"},
        {"level": "INFO", "source": "console-api", "message": "[togglebutton]: Adding toggle buttons"},
    ]
    assert own_errors(entries, site) == [entries[1]["message"], entries[2]["message"]]


def test_launch_urls_point_at_both_editions_in_the_configured_repository():
    urls = launch_urls("notebooks/01_transpose_convolution")
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    assert len(urls) == 4 and all(repo in url for url in urls)
    assert sum("/student/01_transpose_convolution.ipynb" in url for url in urls) == 2


def test_raw_markup_spots_unrendered_markdown_and_myst_only():
    assert raw_markup("A plain sentence: with a colon, 2 * 3 and [brackets].") == []
    for text in ("see **bold", "```python", "\n:class: dropdown", "{cite:p}`x`", "[a](https://x)", "</div>"):
        assert raw_markup(f"Text {text} more."), text


def test_browser_options_keep_chromium_off_the_network():
    options = browser_options("/usr/bin/chromium")
    assert options.binary_location == "/usr/bin/chromium" and "--headless=new" in options.arguments
    assert "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" in options.arguments
