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


def _frame(browser) -> int:
    from selenium.webdriver.common.by import By

    return int(browser.find_element(By.CSS_SELECTOR, ".tg-player").get_attribute("data-frame"))


def _caption(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, ".tg-caption").text


def _press(browser, key) -> None:
    from selenium.webdriver.common.by import By

    browser.find_element(By.TAG_NAME, "body").send_keys(key)


_GEOMETRY = """
var svg = document.querySelector('.tg-stage svg'), s = svg.getBoundingClientRect();
var out = {size: [s.width, s.height], nodes: {}};
document.querySelectorAll('.tg-stage g.node').forEach(function (g) {
  var b = g.getBoundingClientRect();
  out.nodes[g.id] = [Math.round(b.left - s.left), Math.round(b.top - s.top)];
});
return out;
"""


def test_step_page_buttons_keys_and_slider(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    w = tg.randn(3, 2, requires_grad=True)
    loss = ((tg.randn(4, 3) @ w).relu() ** 2).mean()
    index = viz.backprop_steps(loss, tmp_path, params={"w": w})
    n_frames = len(tg.graph.trace(loss).backward_order) + 2
    browser.get(index.resolve().as_uri())
    assert _frame(browser) == 0 and _caption(browser).startswith("Start")
    browser.find_element(By.CSS_SELECTOR, ".tg-next").click()
    assert _frame(browser) == 1 and _caption(browser).startswith("Step 1/")
    browser.find_element(By.CSS_SELECTOR, ".tg-next").click()
    browser.find_element(By.CSS_SELECTOR, ".tg-prev").click()
    assert _frame(browser) == 1
    _press(browser, Keys.ARROW_RIGHT)
    assert _frame(browser) == 2
    _press(browser, Keys.ARROW_LEFT)
    _press(browser, Keys.ARROW_LEFT)
    assert _frame(browser) == 0
    slider = browser.find_element(By.CSS_SELECTOR, ".tg-slider")
    browser.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input'));", slider, n_frames - 1)
    assert _frame(browser) == n_frames - 1 and _caption(browser).startswith("Done")
    assert browser.find_element(By.CSS_SELECTOR, ".tg-counter").text == \
        f"{n_frames} / {n_frames}"
    browser.find_element(By.CSS_SELECTOR, ".tg-next").click()  # stays on the last frame
    assert _frame(browser) == n_frames - 1


def _mlp_loss():
    nn = tg.nn
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(),
                          nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = tg.randn(5, 6), tg.tensor([0, 2, 1, 1, 0])
    return nn.functional.cross_entropy(model(x), y), model


def test_frames_keep_one_layout_and_the_current_op_in_view(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    loss, model = _mlp_loss()
    index = viz.backprop_steps(loss, tmp_path, model=model)
    n_frames = len(tg.graph.trace(loss).backward_order) + 2
    browser.set_window_size(900, 700)  # smaller than the graph: the stage must scroll
    browser.get(index.resolve().as_uri())
    first = browser.execute_script(_GEOMETRY)
    assert len(first["nodes"]) > 20
    for i in range(1, n_frames):
        _press(browser, Keys.ARROW_RIGHT)
        assert _frame(browser) == i
        assert browser.execute_script(_GEOMETRY) == first  # same size, nodes in place
        inside = browser.execute_script("""
            var cur = document.querySelector('g.tg-focus');  // the op, or the loss
            var b = cur.getBoundingClientRect();
            var st = document.querySelector('.tg-stage').getBoundingClientRect();
            return [b.top >= st.top - 1, b.bottom <= st.bottom + 1, b.left >= st.left - 1,
                    b.right <= st.right + 1, b.top >= 0, b.bottom <= window.innerHeight];
        """)
        assert all(inside), (i, inside)
        caption = browser.execute_script(
            "var c = document.querySelector('.tg-caption').getBoundingClientRect();"
            "return [c.top >= 0, c.bottom <= window.innerHeight];")
        assert all(caption)  # pinned: still on screen


def test_captions_of_a_scalar_neuron_hold_the_numbers(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    x1, x2 = tg.tensor(2.0, name="x1"), tg.tensor(0.0, name="x2")
    w1 = tg.tensor(-3.0, requires_grad=True, name="w1")
    w2 = tg.tensor(1.0, requires_grad=True, name="w2")
    b = tg.tensor(6.8813735870195432, requires_grad=True, name="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    index = viz.backprop_steps(o, tmp_path, names={"n": n, "o": o})
    o.backward()
    dn = 1 - o.item() ** 2
    browser.get(index.resolve().as_uri())
    captions = []
    for _ in range(len(tg.graph.trace(o).backward_order) + 1):
        captions.append(_caption(browser))
        _press(browser, Keys.ARROW_RIGHT)
    text = "\n".join(captions)
    assert f"dL/dn = dL/do * (1 - o**2) = 1 * (1 - {o.item():.3g}**2) = {dn:.3g}" in text
    assert f"dL/dw1 = dL/d(Mul out 2) * x1 = {dn:.3g} * 2 = {w1.grad.item():.3g}" in text
    assert f"dL/dw2 = dL/d(Mul out 1) * x2 = {dn:.3g} * 0 = {w2.grad.item():.3g}" in text
    assert f"dL/db = dL/dn = {b.grad.item():.3g}" in text


def test_hostile_names_are_escaped_in_the_page(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    hostile = "x</script><!--<script>"
    img = '<img src=q onerror="document.title=1">'
    w = tg.tensor([1.0, 2.0], requires_grad=True, name=hostile)
    v = tg.tensor([3.0, 4.0], name=img)
    index = viz.backprop_steps((w * v).sum(), tmp_path, title=f"t {hostile}")
    browser.get(index.resolve().as_uri())
    assert browser.find_elements(By.TAG_NAME, "img") == []
    _press(browser, Keys.ARROW_RIGHT)
    _press(browser, Keys.ARROW_RIGHT)
    assert _frame(browser) == 2  # the script survived the names
    assert hostile in _caption(browser)
    texts = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)")
    assert f"#0 {hostile}" in texts and f"#1 {img}" in texts
    assert browser.title == f"t {hostile}"


def test_two_inline_players_on_one_page_work_independently(browser, tmp_path):
    from selenium.webdriver.common.by import By

    a = tg.tensor([1.0, 2.0], requires_grad=True)
    players = [viz.show_steps((a * 2).sum())._repr_html_(),
               viz.show_steps((a.exp() * a).sum())._repr_html_()]
    page = tmp_path / "notebook.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + "".join(players))
    browser.get(page.resolve().as_uri())
    roots = browser.find_elements(By.CSS_SELECTOR, ".tg-player")
    assert len(roots) == 2
    roots[1].find_element(By.CSS_SELECTOR, ".tg-next").click()
    roots[1].find_element(By.CSS_SELECTOR, ".tg-next").click()
    assert [r.get_attribute("data-frame") for r in roots] == ["0", "2"]
    captions = [r.find_element(By.CSS_SELECTOR, ".tg-caption").text for r in roots]
    assert captions[0].startswith("Start") and captions[1].startswith("Step 2/3:")
