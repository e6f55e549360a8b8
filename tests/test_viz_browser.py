"""The backprop step page in a real headless browser (Debian chromium + chromedriver).

Skips when chromium, chromedriver, selenium or dot are missing, unless
TENSORGRAPH_REQUIRE_BROWSER=1 (CI), where absence is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

import tensorgraph as tg
import viz

REQUIRE = os.environ.get("TENSORGRAPH_REQUIRE_BROWSER") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return "chromium is not installed (apt-get install chromium)"
    if not os.path.exists(DRIVER):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    if shutil.which("dot") is None:
        return "graphviz dot is not installed (apt-get install graphviz)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    why = _missing()
    if why:
        if REQUIRE:
            pytest.fail(f"TENSORGRAPH_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"):
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def test_step_page_buttons_keys_and_slider(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    w = tg.randn(3, 2, requires_grad=True)
    loss = ((tg.randn(4, 3) @ w).relu() ** 2).mean()
    index = viz.backprop_steps(loss, tmp_path, params={"w": w})
    n_frames = len(list(tmp_path.glob("step_*.svg")))
    browser.get(index.resolve().as_uri())

    def visible() -> list[str]:
        return [f.get_attribute("id") for f in browser.find_elements(By.CSS_SELECTOR, ".frame")
                if f.is_displayed()]

    def caption() -> str:
        return browser.find_element(By.ID, "caption").text

    assert visible() == ["frame-0"] and caption().startswith("Start")
    browser.find_element(By.ID, "next").click()
    assert visible() == ["frame-1"] and caption().startswith("Step 1/")
    browser.find_element(By.ID, "next").click()
    browser.find_element(By.ID, "prev").click()
    assert visible() == ["frame-1"]
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    assert visible() == ["frame-2"]
    body.send_keys(Keys.ARROW_LEFT)
    body.send_keys(Keys.ARROW_LEFT)
    assert visible() == ["frame-0"]
    slider = browser.find_element(By.ID, "slider")
    browser.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input'));", slider, n_frames - 1)
    assert visible() == [f"frame-{n_frames - 1}"] and caption().startswith("Done")
    assert browser.find_element(By.ID, "counter").text == f"{n_frames} / {n_frames}"
    browser.find_element(By.ID, "next").click()  # past the end stays on the last frame
    assert visible() == [f"frame-{n_frames - 1}"]
