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
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service_process import free_port, running_service, service_env

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
TOKEN = "browser-test-token"
WAIT_S = 20

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
    browser.save_screenshot(str(shots / f"runner-page-{backend}.png"))

    # a phone-width window: one column, nothing wider than the screen
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390


def test_operator_sees_the_serving_versions_and_the_gate_chart(
    service: str, browser: WebDriver, shots: Path, request: pytest.FixtureRequest
) -> None:
    backend = request.node.callspec.params["service"]
    for user in range(900_001, 900_011):  # some traffic for the traffic table
        httpx.post(f"{service}/interact", json={"user_id": user, "shoe_id": "R001", "action_type": "like"})
    browser.get(service + "/admin")
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
    token = browser.find_element(By.ID, "admin-token")
    token.send_keys(TOKEN)
    token.send_keys(Keys.ENTER)
    wait_for(browser, ec.visibility_of_element_located((By.ID, "dashboard")))
    cf_version = httpx.get(f"{service}/health").json()["cf_engine"]["version"]
    wait_for(browser, lambda d: cf_version in d.find_element(By.ID, "serving").text)
    serving = browser.find_element(By.ID, "serving").text
    assert "road" in serving and "trail" in serving
    assert browser.find_elements(By.CSS_SELECTOR, "#gate-chart circle")  # the gate figures, charted
    assert cf_version in browser.find_element(By.ID, "history").text
    wait_for(browser, lambda d: "POST /interact" in d.find_element(By.ID, "traffic").text)
    wait_for(
        browser,
        lambda d: d.execute_script("return document.getElementById('report-road').naturalWidth") > 0,
    )
    assert browser.execute_script("return window.sessionStorage.getItem('sonix.admin_token')") == TOKEN
    assert browser.execute_script("return window.localStorage.length") == 0  # never persisted
    browser.save_screenshot(str(shots / f"admin-dashboard-{backend}.png"))

    # a wrong token: the dashboard closes and says why
    browser.execute_script("window.sessionStorage.setItem('sonix.admin_token', 'wrong')")
    browser.refresh()
    wait_for(browser, lambda d: d.find_element(By.ID, "message").is_displayed())
    assert "Bearer" in browser.find_element(By.ID, "message").text
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
