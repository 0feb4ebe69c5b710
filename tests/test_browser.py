"""The pages in a real headless Chromium against the service as `make run` starts it (gunicorn,
2 workers), on SQLite and on PostgreSQL: answer the questionnaire, get 10 results, like and rate
shoes by mouse and keyboard and watch the feed change, then open the operator dashboard with the
admin token and see the serving CF version and the gate chart.

Screenshots go to $BROWSER_SCREENSHOTS_DIR when set (`make screenshots` sets docs/img), else into
the test's tmp folder. Chromium and chromedriver are Debian's (`make browser-deps`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service_process import free_port, running_service, service_env

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
TOKEN = "browser-test-token"
WAIT_S = 30
CT_THRESHOLD = 20

if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip("no chromium/chromedriver on PATH: run `make browser-deps`", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service(request: pytest.FixtureRequest, content_artifacts: Path, tmp_path: Path) -> Iterator[str]:
    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    store: dict[str, str] = {"SQLITE_PATH": str(tmp_path / "store.sqlite3")}
    if request.param == "postgres":
        store = {"DATABASE_URL": request.getfixturevalue("pg_url")}
    env = service_env(
        **store,
        PORT=str(free_port()),
        HOST="127.0.0.1",
        WORKERS="2",
        ARTIFACTS_DIR=str(artifacts),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS="300",
        ADMIN_TOKEN=TOKEN,
        CT_THRESHOLD=str(CT_THRESHOLD),
        SNAPSHOT_POLL_S="0.5",
        LOG_LEVEL="WARNING",
    )
    with running_service(env, tmp_path / "server.log", timeout_s=150) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    configured = os.environ.get("BROWSER_SCREENSHOTS_DIR")
    folder = Path(configured) if configured else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for(driver: WebDriver, condition: object) -> object:
    return WebDriverWait(driver, WAIT_S).until(condition)  # type: ignore[arg-type]


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.5)


def admin_get(base: str, path: str) -> Any:
    r = httpx.get(base + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    r.raise_for_status()
    return r.json()


def shown_cf_version(driver: WebDriver) -> str:
    cells = driver.execute_script(
        "const row = Array.from(document.querySelectorAll('#serving tbody tr'))"
        ".find((tr) => tr.cells[0].textContent === 'cf'); return row ? row.cells[1].textContent : ''"
    )
    return str(cells)


def newest_in_history_table(driver: WebDriver) -> str:
    # the table lists newest first; refused and failed rebuilds publish nothing
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#history tbody tr'),"
        " (tr) => [tr.cells[0].textContent, tr.cells[3].textContent])"
    )
    return next((version for version, outcome in rows if outcome == "published"), "")


def feed_ids(driver: WebDriver) -> list[str]:
    # read in one script: the page re-renders the feed whole, which would stale element handles
    script = "return Array.from(document.querySelectorAll('#feed li'), (li) => li.dataset.shoeId)"
    return list(driver.execute_script(script))


def test_runner_gets_ten_results_and_a_feed_that_follows_their_likes(
    service: str, browser: WebDriver, shots: Path, request: pytest.FixtureRequest
) -> None:
    backend = request.node.callspec.params["service"]
    browser.get(service + "/")
    runner_input = browser.find_element(By.ID, "runner-id")
    wait_for(browser, lambda d: runner_input.get_attribute("value"))
    runner = int(runner_input.get_attribute("value") or 0)
    assert runner > 0
    # trail-only questions are hidden (and not sent) while "road" is chosen
    assert not browser.find_element(By.ID, "q-terrain").is_displayed()
    Select(browser.find_element(By.ID, "q-pace")).select_by_value("Fast")
    Select(browser.find_element(By.ID, "q-running_purpose")).select_by_value("Race")
    browser.find_element(By.ID, "find").click()
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results li")) == 10)
    cards = browser.find_elements(By.CSS_SELECTOR, "#results li")
    api = httpx.post(f"{service}/recommend/road", json={"pace": "Fast", "running_purpose": "Race"}).json()
    assert [c.get_attribute("data-shoe-id") for c in cards] == [s["shoe_id"] for s in api["data"]]
    assert "% match" in cards[0].text and " g" in cards[0].text  # score and key specs shown
    assert feed_ids(browser) == []  # a new runner: no feed yet

    cards[0].find_element(By.CSS_SELECTOR, "button.like").click()
    wait_for(browser, lambda d: len(feed_ids(d)) > 0)
    after_like = feed_ids(browser)
    assert cards[0].get_attribute("data-shoe-id") not in after_like  # seen shoes are not offered again

    # keyboard only: Tab-reachable star button, pressed with Enter (5 stars on the third result)
    star = cards[2].find_element(By.CSS_SELECTOR, 'button.star[data-stars="5"]')
    browser.execute_script("arguments[0].focus()", star)
    assert browser.switch_to.active_element == star
    star.send_keys(Keys.ENTER)
    rated = cards[2].get_attribute("data-shoe-id")
    wait_for(browser, lambda d: rated not in feed_ids(d) and feed_ids(d) != after_like)
    assert len(cards[2].find_elements(By.CSS_SELECTOR, "button.star.on")) == 5
    # what the page shows is what any worker now serves for this runner (read-your-own-writes)
    served = httpx.get(f"{service}/recommend/feed/{runner}").json()["data"]
    assert feed_ids(browser) == [s["shoe_id"] for s in served]
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(shots / f"runner-page-{backend}.png"))

    # a phone-width window: one column, nothing wider than the screen
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390


def test_operator_sees_the_serving_versions_and_the_gate_chart(
    service: str, browser: WebDriver, shots: Path, request: pytest.FixtureRequest
) -> None:
    backend = request.node.callspec.params["service"]
    # traffic for the traffic table, and enough interactions for a few gated CT rebuilds
    for i in range(3 * CT_THRESHOLD):
        body = {"user_id": 900_001 + i // 4, "shoe_id": f"R{1 + i % 40:03d}", "action_type": "like"}
        assert httpx.post(f"{service}/interact", json=body, timeout=30).status_code == 200
    wait_until(lambda: len(admin_get(service, "/admin/history")["rebuilds"]) >= 2, "a CT rebuild recorded")
    browser.get(service + "/admin")
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
    token = browser.find_element(By.ID, "admin-token")
    token.send_keys(TOKEN)
    token.send_keys(Keys.ENTER)
    wait_for(browser, ec.visibility_of_element_located((By.ID, "dashboard")))
    assert not browser.find_element(By.ID, "token-form").is_displayed()
    # the serving CF version shown is the newest published one, and is a real published version
    wait_for(browser, lambda d: shown_cf_version(d) == newest_in_history_table(d))
    published = [
        r["version"] for r in admin_get(service, "/admin/history")["rebuilds"] if r["outcome"] == "published"
    ]
    assert shown_cf_version(browser) in published
    serving = browser.find_element(By.ID, "serving").text
    assert "road" in serving and "trail" in serving
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gate-chart circle")) >= 2  # gate figures, charted
    wait_for(browser, lambda d: "POST /interact" in d.find_element(By.ID, "traffic").text)
    wait_for(
        browser,
        lambda d: d.execute_script("return document.getElementById('report-road').naturalWidth") > 0,
    )
    assert browser.execute_script("return window.sessionStorage.getItem('sonix.admin_token')") == TOKEN
    assert browser.execute_script("return window.localStorage.length") == 0  # never persisted
    browser.set_window_size(1280, 2000)  # the whole dashboard in one screenshot
    browser.save_screenshot(str(shots / f"admin-dashboard-{backend}.png"))

    # a wrong token: the dashboard closes and says why
    browser.execute_script("window.sessionStorage.setItem('sonix.admin_token', 'wrong')")
    browser.refresh()
    wait_for(browser, lambda d: d.find_element(By.ID, "message").is_displayed())
    assert "Bearer" in browser.find_element(By.ID, "message").text
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
