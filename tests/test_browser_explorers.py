"""Both explorers of utils.explorers in headless Chromium, on a standalone page served from a temporary folder.

The browser is the one tests/test_browser.py drives (Debian's chromium, kept off the network), so the page
must work with nothing but itself: a control moved changes what is drawn, a click shows the contributors.
"""

from __future__ import annotations

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_browser import launch_browser, own_errors, serve, wait_for

from utils.explorers import (
    Explorer,
    contributors,
    explorer_page,
    latent_plane_explorer,
    transpose_conv_explorer,
    transpose_conv_settings,
)

TCONV, LATENT = ".tconv-explorer", ".latent-explorer"
CELLS = TCONV + ' svg[data-panel="{}"] rect[data-r]'


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium, or a skip that says how to install it."""
    browser = launch_browser(missing=pytest.skip)
    yield browser
    browser.quit()


def latent_data(grid=15):
    """Three blobs of codes, a grid over them and one distinct random image per grid point."""
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(c, 1.0, (1000, 2)) for c in [(0, 0), (4, 1), (1, 5)]])
    return points, np.repeat([1, 5, 6], 1000), np.linspace(-3, 7, grid), np.linspace(-3, 8, grid), rng.random(
        (grid, grid, 28, 28))


@pytest.fixture(scope="module")
def latent():
    return latent_data()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A folder served on localhost; yields (folder, base URL)."""
    folder = tmp_path_factory.mktemp("explorers")
    server = serve(folder)
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def open_page(driver, site, name: str, *explorers: Explorer) -> str:
    """Write ``explorers`` as one page, load it and wait until every explorer has drawn; return its URL."""
    folder, base = site
    (folder / f"{name}.html").write_text(explorer_page(*explorers, title=name))
    driver.get_log("browser")  # drop what earlier pages left
    driver.get(base + name + ".html")
    return base


@pytest.fixture(scope="module")
def page(driver, site, latent):
    """Both explorers on one page; returns the base URL once both have drawn."""
    base = open_page(driver, site, "both", transpose_conv_explorer(), latent_plane_explorer(*latent))
    wait_for(driver, f"return document.querySelectorAll('{CELLS.format('out')}').length > 0 && "
                     f"document.querySelector('{LATENT}').dataset.shown")
    return base


def cells(driver, panel: str, hits_only: bool = False) -> list[tuple[int, int]]:
    """The (row, col) of the cells of a panel of the transpose-convolution explorer (only highlighted ones)."""
    found = driver.find_elements(By.CSS_SELECTOR, CELLS.format(panel) + (".hit" if hits_only else ""))
    return [(int(e.get_attribute("data-r")), int(e.get_attribute("data-c"))) for e in found]


def slider(driver, root: str, key: str):
    return driver.find_element(By.CSS_SELECTOR, f'{root} input[data-key="{key}"]')


def test_moving_the_stride_slider_changes_the_drawn_output_size(driver, page):
    assert len(cells(driver, "out")) == 5 * 5  # the start: n=3, k=3, s=2, p=1, output_padding 0
    slider(driver, TCONV, "s").send_keys(Keys.ARROW_RIGHT)  # stride 2 -> 3: (3-1)·3 - 2 + 2 + 1 = 7
    assert wait_for(driver, f"return document.querySelectorAll('{CELLS.format('out')}').length === 49")
    status = driver.find_element(By.CSS_SELECTOR, TCONV + " .x-status").text
    assert "stride=3" in status and "= 7 (PyTorch: 7×7)" in status
    slider(driver, TCONV, "s").send_keys(Keys.ARROW_LEFT)
    assert wait_for(driver, f"return document.querySelectorAll('{CELLS.format('out')}').length === 25")


def test_clicking_an_output_pixel_highlights_its_contributors(driver, page):
    setting = transpose_conv_settings([3], [3], [2], [1], [0])[(3, 3, 2, 1, 0)]
    for r, c in [(0, 0), (1, 1), (2, 3)]:
        target = driver.find_element(By.CSS_SELECTOR, CELLS.format("out") + f'[data-r="{r}"][data-c="{c}"]')
        ActionChains(driver).move_to_element(target).click().perform()
        wait_for(driver, "return arguments[0].getAttribute('data-chosen') === '1'",
                 driver.find_element(By.CSS_SELECTOR, CELLS.format("out") + f'[data-r="{r}"][data-c="{c}"]'))
        pairs = contributors(setting, r, c)
        assert sorted(cells(driver, "in", hits_only=True)) == sorted(ij for ij, _ in pairs), (r, c)
        assert sorted(cells(driver, "w", hits_only=True)) == sorted(ab for _, ab in pairs), (r, c)
        assert sorted(cells(driver, "st", hits_only=True)) == sorted(ij for ij, _ in pairs), (r, c)
        text = driver.find_element(By.CSS_SELECTOR, TCONV + " .x-status").text
        assert f"Output pixel ({r},{c}) receives {len(pairs)} contribution" in text
    assert len(cells(driver, "in", hits_only=True)) == 2  # (2, 3): an odd column, an even row


def test_a_setting_pytorch_refuses_is_shown_with_its_reason(driver, page):
    message = transpose_conv_settings([3], [3], [2], [1], [2])[(3, 3, 2, 1, 2)]["error"]
    op = slider(driver, TCONV, "o")
    op.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)  # output_padding 2 with stride 2
    assert wait_for(driver, f"return document.querySelector('{TCONV}').dataset.state === 'refused'")
    assert message in driver.find_element(By.CSS_SELECTOR, TCONV + " .x-status").text
    assert cells(driver, "out") == []
    op.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert wait_for(driver, f"return document.querySelector('{TCONV}').dataset.state === 'ok'")


CANVAS_PIXELS = """const c = document.querySelector(arguments[0] + ' canvas');
return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 0))"""


def shown_image(driver) -> tuple[tuple[int, int], np.ndarray]:
    """The grid point (z1 index, z2 index) the latent explorer shows, and its canvas's grey values."""
    index = driver.execute_script(f"return document.querySelector('{LATENT}').dataset.shown")
    pixels = np.array(driver.execute_script(CANVAS_PIXELS, LATENT)).reshape(28, 28)
    return tuple(int(v) for v in index.split(",")), pixels


def test_moving_a_latent_slider_draws_that_grid_points_decoded_image(driver, page, latent):
    decoded = np.round(latent[4] * 255)
    (a, b), before = shown_image(driver)
    assert (a, b) == (7, 7) and (before == decoded[b, a]).all()
    slider(driver, LATENT, "z1").send_keys(Keys.ARROW_RIGHT)
    slider(driver, LATENT, "z2").send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    (a, b), after = shown_image(driver)
    assert (a, b) == (8, 5) and (after == decoded[5, 8]).all() and not (after == before).all()
    assert "(z₁, z₂) = (" + f"{float(f'{latent[2][8]:.4g}')}" in driver.find_element(
        By.CSS_SELECTOR, LATENT + " .x-cap").text


def test_hovering_the_code_plane_picks_the_nearest_grid_point(driver, page, latent):
    plane = driver.find_element(By.CSS_SELECTOR, LATENT + ' svg[data-panel="plane"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", plane)
    box = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", plane)
    ActionChains(driver).move_to_element_with_offset(plane, int(-box[0] / 2 + 60), int(-box[1] / 2 + 30)).perform()
    (a, b), pixels = shown_image(driver)  # near the top left corner of the plot: small z1, large z2
    assert a <= 2 and b >= 12 and (pixels == np.round(latent[4][b, a] * 255)).all()


def test_the_page_raises_no_javascript_error(driver, page):
    assert own_errors(driver.get_log("browser"), page) == []


def test_the_waiting_note_is_gone_once_the_scripts_ran(driver, page):
    assert driver.execute_script("return document.querySelectorAll('.course-explorer').length") == 2
    assert driver.find_elements(By.CSS_SELECTOR, ".x-wait") == []


def test_a_broken_explorer_is_caught(driver, site):
    broken = transpose_conv_explorer(inputs=[2], kernels=[1], strides=[1], paddings=[0], output_paddings=[0])
    broken.html = broken.html.replace("draw()})();", "drawn()})();")
    base = open_page(driver, site, "broken", broken)
    errors = own_errors(driver.get_log("browser"), base)
    assert any("drawn is not defined" in e for e in errors), errors


def test_the_latent_explorer_draws_its_contours(driver, site, latent):
    angle = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    rings = {f"{r}σ": r * np.stack([np.cos(angle), np.sin(angle)], 1) for r in (1, 2)}
    base = open_page(driver, site, "contours", latent_plane_explorer(*latent, contours=rings))
    assert wait_for(driver, f"return document.querySelectorAll('{LATENT} polygon.x-contour').length === 2")
    first = f"document.querySelector('{LATENT} polygon.x-contour')"
    points = driver.execute_script(f"return {first}.getAttribute('points')")
    assert len(points.split()) == 40
    assert own_errors(driver.get_log("browser"), base) == []
