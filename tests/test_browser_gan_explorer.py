"""Chapter 9's GAN game explorer in headless Chromium (the browser of tests/test_browser.py, kept off the network),
on a standalone page: the slider, the run menu and the play button change what the canvas shows."""

from __future__ import annotations

import pytest
import torch
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from test_browser import launch_browser, own_errors, serve, wait_for

from utils.explorers import explorer_page
from utils.gan_explorer import gan_game_explorer
from utils.gan_toys import ring_centres

ROOT = ".game-explorer"
SHOWN = f"return document.querySelector('{ROOT}').dataset.shown"
# the canvas pixel at plane point (x, y) = (arguments[1], arguments[2]) for extent 3, as [r, g, b]
PIXEL = """const c = document.querySelector(arguments[0] + ' canvas');
const px = Math.round((arguments[1] + 3) / 6 * c.width), py = Math.round((3 - arguments[2]) / 6 * c.height);
return Array.from(c.getContext('2d').getImageData(px, py, 1, 1).data.slice(0, 3))"""


def game():
    """Two runs of three frames: all samples at one point per frame, a surface dark (D = 1) or light (D = 0)."""
    where = [(-2.0, -2.0), (0.0, 0.0), (2.0, 2.0)]
    points = torch.tensor(where).view(3, 1, 2).expand(3, 40, 2)
    dark, light = torch.ones(3, 10, 10), torch.zeros(3, 10, 10)
    run = {"points": points, "modes_covered": [0, 3, 8], "high_quality_share": [0.0, 0.5, 0.9]}
    return gan_game_explorer([0, 500, 1000], {"first": {**run, "surface": dark},
                                              "second": {**run, "surface": light}}, ring_centres(), 0.05)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    browser = launch_browser(missing=pytest.skip)
    folder = tmp_path_factory.mktemp("game")
    (folder / "game.html").write_text(explorer_page(game(), title="game"))
    server = serve(folder)
    base = f"http://127.0.0.1:{server.server_port}/"
    browser.get(base + "game.html")
    wait_for(browser, SHOWN)
    browser.base = base
    yield browser
    browser.quit()
    server.shutdown()


def status(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, ROOT + " .x-status").text


def test_the_first_frame_is_drawn_with_its_numbers(driver):
    assert driver.execute_script(SHOWN) == "0,0"
    assert status(driver) == "first, step 0 of 1000: 0 of 8 modes covered, 0% of the samples near a mode"
    r, g, b = driver.execute_script(PIXEL, ROOT, -2.0, -2.0)
    assert r > g + 40 > b + 40, "the samples (orange) are drawn where they are"
    assert max(driver.execute_script(PIXEL, ROOT, 0.5, -2.5)) < 100, "D = 1 is drawn dark"


def test_the_slider_moves_through_the_frames(driver):
    driver.find_element(By.CSS_SELECTOR, ROOT + ' input[data-key="frame"]').send_keys(Keys.ARROW_RIGHT)
    assert wait_for(driver, SHOWN + " === '0,1'")
    assert "step 500 of 1000: 3 of 8 modes covered, 50%" in status(driver)
    r, g, b = driver.execute_script(PIXEL, ROOT, 0.0, 0.0)
    assert r > g + 40 > b + 40


def test_the_menu_switches_runs_at_the_same_step(driver):
    Select(driver.find_element(By.CSS_SELECTOR, ROOT + " select")).select_by_visible_text("second")
    assert wait_for(driver, SHOWN + " === '1,1'")
    assert min(driver.execute_script(PIXEL, ROOT, 0.5, -2.5)) > 240, "D = 0 is drawn light"
    assert status(driver).startswith("second, step 500")


def test_play_runs_to_the_last_frame(driver):
    driver.find_element(By.CSS_SELECTOR, ROOT + ' button[data-key="play"]').click()
    assert wait_for(driver, SHOWN + " === '1,2'", timeout=5)
    assert "8 of 8 modes covered, 90%" in status(driver)


def test_no_javascript_error(driver):
    assert own_errors(driver.get_log("browser"), driver.base) == []
    assert driver.find_elements(By.CSS_SELECTOR, ".x-wait") == []
