"""The pages in a real headless Chromium against the service as `make run` starts it (gunicorn,
2 workers), on SQLite and on PostgreSQL.

The runner page: answer the questionnaire and get 10 cards whose ✓/✗ chips are exactly the API's
meets/misses; like (a toggle) and rate (a radio group, by keyboard) and watch the feed, which shows
each item's evidence; undo a like from the list; reload and find the answers and top 10 restored;
open a shoe page and compare two shoes; forget me. With the service stopped every control says so
next to itself, stays usable, and a Retry works once the service is back. The operator dashboard:
the serving CF version, the gate chart over versions, human times, the reload confirmation, and a
banner while the service is unreachable.

axe-core (fetched by tests/web/axe.py, `make axe-core`) runs on every page state and must find nothing.
Screenshots go to $BROWSER_SCREENSHOTS_DIR when set (`make screenshots` sets docs/img), else into
the test's tmp folder. Chromium and chromedriver are Debian's (`make browser-deps`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.plugins.service import free_port, running_service, service_env
from tests.plugins.waiting import wait_until
from tests.web.axe import axe_source

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
TOKEN = "browser-test-token"
WAIT_S = 30
CT_THRESHOLD = 20
RACER = {"pace": "Fast", "running_purpose": "Race", "cushion_preferences": "Firm"}  # fires a combination rule

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


class LiveService:
    """The service under test, which a test may stop and start again (same port, same store)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.base = f"http://127.0.0.1:{env['PORT']}"
        self._stack: contextlib.ExitStack | None = None

    def start(self) -> None:
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(running_service(self.env, self.log, timeout_s=150))

    def stop(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None


def page_env(store: dict[str, str], artifacts: Path, **extra: str) -> dict[str, str]:
    return service_env(
        **store,
        PORT=str(free_port()),
        HOST="127.0.0.1",
        WORKERS="2",
        ARTIFACTS_DIR=str(artifacts),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS="300",
        ADMIN_TOKEN=TOKEN,
        DEMO_OPEN_EDITS="true",  # as `make run` starts it: undo, saved answers and "forget me" work keyless
        ONLINE_METRICS_EVERY_S="2",  # the CT process reports online metrics within the test
        CT_THRESHOLD=str(CT_THRESHOLD),
        SNAPSHOT_POLL_S="0.5",
        LOG_LEVEL="WARNING",
        **extra,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, content_artifacts: Path, tmp_path: Path) -> Iterator[LiveService]:
    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    store: dict[str, str] = {"SQLITE_PATH": str(tmp_path / "store.sqlite3")}
    if request.param == "postgres":
        store = {"DATABASE_URL": request.getfixturevalue("pg_url")}
    service = LiveService(page_env(store, artifacts), tmp_path / "server.log")
    service.start()
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def service(live: LiveService) -> str:
    return live.base


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(60)
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


def wait_for(driver: WebDriver, condition: object, timeout_s: float = WAIT_S) -> Any:
    return WebDriverWait(driver, timeout_s).until(condition)  # type: ignore[arg-type]


def admin_get(base: str, path: str) -> Any:
    r = httpx.get(base + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    r.raise_for_status()
    return r.json()


def assert_accessible(driver: WebDriver, state: str) -> None:
    """axe-core on the page once nothing is loading: no violations of any rule it runs by default."""
    wait_for(driver, settled)
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations.map((v) =>"
        " v.id + ': ' + v.help + ' @ ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', '))),"
        " (e) => done(['axe failed: ' + e]))"
    )
    assert violations == [], f"axe-core on {state}: {violations}"


def ready(driver: WebDriver) -> None:
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))


def settled(driver: WebDriver) -> bool:
    return bool(
        driver.execute_script("return document.querySelectorAll('[aria-busy=\"true\"]').length === 0")
    )


def card_ids(driver: WebDriver) -> list[str]:
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('#results > li'), (li) => li.dataset.shoeId)"
        )
    )


def feed_ids(driver: WebDriver) -> list[str]:
    # read in one script: the page re-renders the feed whole, which would stale element handles
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('#feed > li'), (li) => li.dataset.shoeId)"
        )
    )


def chips_of(driver: WebDriver) -> list[dict[str, list[str]]]:
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('#results > li'), (li) => ({"
            " meets: Array.from(li.querySelectorAll('.chip.met'), (c) => c.dataset.entry),"
            " misses: Array.from(li.querySelectorAll('.chip.missed'), (c) => c.dataset.entry)}))"
        )
    )


def status_text(driver: WebDriver, element_id: str) -> str:
    return str(driver.execute_script(f"return document.getElementById('{element_id}').textContent"))


def contrast(driver: WebDriver, css: str) -> float:
    """WCAG contrast of an element's text colour against its background."""
    return float(
        driver.execute_script(
            "const e = document.querySelector(arguments[0]); const s = getComputedStyle(e);"
            "const lum = (c) => { const v = c.match(/[0-9.]+/g).slice(0, 3).map((x) => { x = x / 255;"
            " return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });"
            " return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };"
            "const a = lum(s.color), b = lum(s.backgroundColor);"
            "return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);",
            css,
        )
    )


def answer_racer(browser: WebDriver) -> None:
    for question, answer in RACER.items():
        Select(browser.find_element(By.ID, f"q-{question}")).select_by_value(answer)


def test_runner_sees_why_remembers_and_undoes(
    service: str, browser: WebDriver, shots: Path, request: pytest.FixtureRequest
) -> None:
    backend = request.node.callspec.params["live"]
    browser.get(service + "/")
    ready(browser)
    runner = int(browser.find_element(By.ID, "runner-id-shown").text)
    assert runner > 0
    # the id is not an editable field on the page: only "use another id" in settings opens one
    assert not browser.find_element(By.ID, "runner-id").is_displayed()
    assert not browser.find_element(By.ID, "q-terrain").is_displayed()  # trail questions hidden for road
    assert_accessible(browser, "the runner page, new visitor")

    answer_racer(browser)
    browser.find_element(By.ID, "find").click()
    wait_for(browser, lambda d: len(card_ids(d)) == 10 and settled(d))
    assert browser.switch_to.active_element.get_attribute("id") == "results-title"  # focus moved to results
    api = httpx.post(f"{service}/v1/recommend/road", json=RACER).json()["data"]
    assert card_ids(browser) == [s["shoe_id"] for s in api]
    # every card's ✓/✗ chips are the API's meets/misses, and no answer is both met and missed
    assert chips_of(browser) == [{"meets": s["meets"], "misses": s["misses"]} for s in api]
    assert any(s["misses"] for s in api)
    cards = browser.find_elements(By.CSS_SELECTOR, "#results > li")
    first = cards[0].text
    assert "#1" in first and "% match" in first and "widths:" in first and "Cushioning" in first
    n_met = sum(len(e.split(" (")[0].split(" + ")) for e in api[0]["meets"])
    assert f"meets {n_met} of {len(RACER)} answers" in first  # answers, though Race + Firm is one chip
    assert len(cards[0].find_elements(By.CSS_SELECTOR, ".bars .bar")) == 4
    assert len(cards[0].find_elements(By.CSS_SELECTOR, ".marks .mark")) >= 4
    # the saved questionnaire is on the service
    saved = httpx.get(f"{service}/v1/users/{runner}/questionnaire").json()
    assert saved["shoe_type"] == "road" and saved["answers"] == RACER
    # before any like, the feed starts from the saved answers and says so (the API's notice)
    wait_for(browser, lambda d: len(feed_ids(d)) > 0 and settled(d))
    cold = httpx.get(f"{service}/v1/recommend/feed/{runner}", params={"type": "road", "limit": 30}).json()
    assert cold["source"] == "questionnaire" and cold["notice"]
    assert browser.find_element(By.ID, "feed-notice").text == cold["notice"]
    assert_accessible(browser, "the top 10 with chips")

    # ♥ is a toggle; the feed then shows each item's evidence as the API gives it
    liked = card_ids(browser)[0]
    like = cards[0].find_element(By.CSS_SELECTOR, "button.like")
    like.click()
    wait_for(browser, lambda d: like.get_attribute("aria-pressed") == "true" and settled(d))
    wait_for(browser, lambda d: len(feed_ids(d)) > 0 and liked not in feed_ids(d))
    served = httpx.get(f"{service}/v1/recommend/feed/{runner}", params={"type": "road", "limit": 30}).json()
    evidence = {item["shoe_id"]: item["evidence"] for item in served["data"]}
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#feed > li'), (li) =>"
        " [li.dataset.shoeId, li.querySelector('.evidence-text').textContent])"
    )
    assert shown and all(evidence[shoe] == text and text for shoe, text in shown)
    assert all(shoe.startswith("R") for shoe, _ in shown)  # the feed follows the road choice
    assert len(browser.find_elements(By.CSS_SELECTOR, "#mine li")) == 1

    # stars: one tab stop, arrow keys choose; the rating is sent and the old choice unchecked
    group = cards[2].find_element(By.CSS_SELECTOR, ".stars")
    assert group.get_attribute("role") == "radiogroup"
    tab_stops = group.find_elements(By.CSS_SELECTOR, '.star[tabindex="0"]')
    assert len(tab_stops) == 1
    before_rating = feed_ids(browser)
    tab_stops[0].send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    rated = card_ids(browser)[2]
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#mine li")) == 2 and settled(d))
    wait_for(browser, lambda d: feed_ids(d) != before_rating)
    checked = group.find_elements(By.CSS_SELECTOR, '.star[aria-checked="true"]')
    assert [c.get_attribute("data-stars") for c in checked] == ["4"]
    assert browser.switch_to.active_element.get_attribute("data-stars") == "4"
    assert rated not in feed_ids(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#feed .badge")  # what is new since the last action
    for css in ('#results .star[aria-checked="true"]', '#results .star[aria-checked="false"]'):
        assert contrast(browser, css) >= 3.0, css
    assert_accessible(browser, "liked, rated, feed with evidence")
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(shots / f"runner-page-{backend}.png"))

    # undo the like from the list: the like is gone on the service (a second removal finds nothing)
    undo = browser.find_element(By.CSS_SELECTOR, f'#mine li[data-shoe-id="{liked}"] .undo[data-kind="like"]')
    undo.click()
    wait_for(browser, lambda d: "Undone" in status_text(d, "mine-status") and settled(d))
    assert like.get_attribute("aria-pressed") == "false"
    again = httpx.delete(f"{service}/v1/users/{runner}/likes/{liked}").json()
    assert again["removed"] is False
    assert_accessible(browser, "after an undo")

    # a reload restores the answers and the top 10 (and the list of ratings)
    browser.refresh()
    ready(browser)
    wait_for(browser, lambda d: len(card_ids(d)) == 10 and settled(d))
    for question, answer in RACER.items():
        assert (
            Select(browser.find_element(By.ID, f"q-{question}")).first_selected_option.get_attribute("value")
            == answer
        )
    assert card_ids(browser) == [s["shoe_id"] for s in api]
    assert [
        li.get_attribute("data-shoe-id") for li in browser.find_elements(By.CSS_SELECTOR, "#mine li")
    ] == [rated]
    assert int(browser.find_element(By.ID, "runner-id-shown").text) == runner
    assert_accessible(browser, "after a reload")

    # the shoe page: spec sheet and similar shoes; then two shoes side by side
    browser.find_element(By.CSS_SELECTOR, "#results > li .shoe-link").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "detail").is_displayed() and settled(d))
    sheet = httpx.get(f"{service}/v1/shoes/{api[0]['shoe_id']}").json()["data"]
    assert browser.find_element(By.ID, "detail-title").text == f"{sheet['brand']} {sheet['name']}"
    assert sheet["specs_in_words"][0] in browser.find_element(By.ID, "detail-body").text
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#detail .similar li"))
    assert_accessible(browser, "the shoe page")
    browser.find_element(By.ID, "detail-close").click()
    for shoe_id in card_ids(browser)[:2]:
        browser.find_element(By.ID, f"cmp-{shoe_id}").click()
    browser.find_element(By.ID, "compare-open").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "compare").is_displayed())
    assert len(browser.find_elements(By.CSS_SELECTOR, "#compare-table thead th")) == 3
    assert_accessible(browser, "the comparison")

    # a phone-width window: one column, nothing wider than the screen
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390

    # forget me: erased on the service, a new id here
    browser.set_window_size(1280, 1000)
    browser.find_element(By.ID, "forget-open").click()
    browser.find_element(By.ID, "forget-yes").click()
    wait_for(browser, lambda d: "forgotten" in status_text(d, "forget-status"))
    assert int(browser.find_element(By.ID, "runner-id-shown").text) != runner
    assert httpx.get(f"{service}/v1/recommend/feed/{runner}").status_code == 404
    assert httpx.get(f"{service}/v1/users/{runner}/questionnaire").status_code == 404
    assert not browser.find_elements(By.CSS_SELECTOR, "#mine li")
    assert_accessible(browser, "after forget me")


def test_a_stopped_service_is_said_next_to_each_control_and_retry_recovers(
    live: LiveService, browser: WebDriver
) -> None:
    browser.get(live.base + "/")
    ready(browser)
    answer_racer(browser)
    browser.find_element(By.ID, "find").click()
    wait_for(browser, lambda d: len(card_ids(d)) == 10 and settled(d))
    live.stop()

    like = browser.find_element(By.CSS_SELECTOR, "#results > li button.like")
    like.click()
    wait_for(browser, lambda d: "did not answer" in status_text(d, "mine-status"))
    assert like.is_enabled() and like.get_attribute("aria-pressed") == "false"
    assert browser.find_element(By.ID, "mine-status").get_attribute("role") == "status"
    find = browser.find_element(By.ID, "find")
    find.click()
    wait_for(browser, lambda d: "did not answer" in status_text(d, "find-status"))
    assert find.is_enabled() and settled(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#find-status button.retry")
    assert_accessible(browser, "the service stopped")

    live.start()
    browser.find_element(By.CSS_SELECTOR, "#mine-status button.retry").click()
    wait_for(browser, lambda d: like.get_attribute("aria-pressed") == "true" and settled(d))
    assert "You liked" in status_text(browser, "mine-status")
    browser.find_element(By.CSS_SELECTOR, "#find-status button.retry").click()
    wait_for(browser, lambda d: "10 road shoes found" in status_text(d, "find-status") and settled(d))
    assert_accessible(browser, "recovered")


def test_a_service_that_asks_for_a_key_gets_a_clear_message(
    content_artifacts: Path, tmp_path: Path, browser: WebDriver
) -> None:
    """With API_KEY set the page (which holds no key) still reads, and says why a write is refused."""
    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    env = page_env({"SQLITE_PATH": str(tmp_path / "store.sqlite3")}, artifacts, API_KEY="a-client-key")
    with running_service(env, tmp_path / "server.log", timeout_s=150) as base:
        browser.get(base + "/")
        ready(browser)
        answer_racer(browser)
        browser.find_element(By.ID, "find").click()
        wait_for(browser, lambda d: len(card_ids(d)) == 10 and settled(d))
        # the results are shown; saving the answers was refused, and the page says where they are kept
        wait_for(browser, lambda d: "asks for a key" in status_text(d, "find-status"))
        assert "kept in this browser only" in status_text(browser, "find-status")
        like = browser.find_element(By.CSS_SELECTOR, "#results > li button.like")
        like.click()
        wait_for(browser, lambda d: "asks for a key" in status_text(d, "mine-status"))
        assert "HTTP 401" in status_text(browser, "mine-status")
        assert like.is_enabled() and like.get_attribute("aria-pressed") == "false"
        assert_accessible(browser, "writes refused for want of a key")


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
    return next((version for version, outcome in rows if outcome.startswith("published")), "")


def test_operator_sees_the_serving_versions_and_the_gate_chart(
    live: LiveService, browser: WebDriver, shots: Path, request: pytest.FixtureRequest
) -> None:
    service = live.base
    backend = request.node.callspec.params["live"]
    # traffic for the traffic table, and enough interactions for a few gated CT rebuilds
    for i in range(3 * CT_THRESHOLD):
        body = {"user_id": 900_001 + i // 4, "shoe_id": f"R{1 + i % 40:03d}", "action_type": "like"}
        assert httpx.post(f"{service}/v1/interact", json=body, timeout=30).status_code == 200
    assert httpx.get(f"{service}/v1/recommend/feed/999999999").status_code == 404  # an expected 404
    wait_until(
        lambda: len(admin_get(service, "/admin/history")["rebuilds"]) >= 2, 90, "a CT rebuild recorded", 0.5
    )
    browser.get(service + "/admin")
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
    assert_accessible(browser, "the dashboard's token form")
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
    assert "held-out" in serving  # the quality figure says which slice it was measured on
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gate-chart circle")) >= 2  # gate figures, charted
    assert browser.find_elements(By.CSS_SELECTOR, "#gate-chart .x-label")  # versions on the x axis
    assert browser.find_elements(By.CSS_SELECTOR, "#gate-chart .band")  # the tolerance band
    wait_for(browser, lambda d: "POST /interact" in d.find_element(By.ID, "traffic").text)
    times = browser.execute_script(
        "return Array.from(document.querySelectorAll('#history tbody tr'), (tr) => tr.cells[1].textContent)"
    )
    assert times and all(re.fullmatch(r"\d\d:\d\d:\d\d|\d{1,2} [A-Z][a-z]{2} \d\d:\d\d", t) for t in times), (
        times
    )
    wait_for(
        browser,
        lambda d: d.execute_script("return document.getElementById('report-road').naturalWidth") > 0,
    )
    assert browser.find_element(By.CSS_SELECTOR, "a#report-road-link").get_attribute("href")
    # overview counters from the store
    wait_for(browser, lambda d: d.find_element(By.ID, "count-runners").text not in ("", "–"))
    assert int(browser.find_element(By.ID, "count-shoes").text) > 0
    # look-ups: one runner (interactions, feed, neighbours), one shoe (similar and co-liked)
    browser.find_element(By.ID, "lookup-runner").send_keys("900001", Keys.ENTER)
    wait_for(browser, lambda d: "4 interactions" in status_text(d, "runner-status"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#runner-result table")) == 3
    looked_up = admin_get(service, "/admin/runner/900001")
    shown_feed = browser.execute_script(
        "return Array.from(document.querySelectorAll('#runner-result table')[1].tBodies[0].rows,"
        " (tr) => tr.cells[0].textContent.split(' ')[0])"
    )
    assert shown_feed == [item["shoe_id"] for item in looked_up["feed"]["data"]]
    browser.find_element(By.ID, "lookup-shoe").send_keys(
        "R002", Keys.ENTER
    )  # an active shoe (R001, Pegasus 37, is retired)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#shoe-result tbody tr"))
    assert "R002" in status_text(browser, "shoe-status")
    assert browser.execute_script("return window.sessionStorage.getItem('sonix.admin_token')") == TOKEN
    assert browser.execute_script("return window.localStorage.length") == 0  # never persisted
    # online metrics: the CT process's report of what runners were shown and did, per arm
    browser.refresh()  # the panel loads with the page (it refreshes every 30 s)
    wait_for(
        browser,
        lambda d: "Experiment cf-engine" in d.find_element(By.ID, "online-metrics").text,
        timeout_s=45,
    )
    panel = browser.find_element(By.ID, "online-metrics")
    assert panel.find_elements(By.CSS_SELECTOR, "table.online-metrics-table") and "served" in panel.text
    report = admin_get(service, "/v1/admin/online-metrics")
    assert report["latest"]["comparison"]["statement"] in panel.text
    assert_accessible(browser, "the dashboard")

    # reload: asks first, then says how many workers reloaded and when
    browser.find_element(By.ID, "reload").click()
    browser.find_element(By.ID, "reload-yes").click()
    wait_for(browser, lambda d: "Reloaded in" in d.find_element(By.ID, "reload-status").text, timeout_s=45)
    assert re.search(
        r"Reloaded in 2/2 workers at \d\d:\d\d:\d\d", browser.find_element(By.ID, "reload-status").text
    )
    # the traffic series have a point per refresh (the reload refreshed)
    wait_for(browser, lambda d: d.find_element(By.ID, "series-rps-now").text not in ("", "–"))
    assert browser.find_elements(By.CSS_SELECTOR, "#series-p99 polyline")
    browser.set_window_size(1280, 2400)  # the whole dashboard in one screenshot
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(shots / f"admin-dashboard-{backend}.png"))

    # a phone: the tables fit
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390

    # the service goes away: a banner says since when, the data is marked stale
    browser.set_window_size(1280, 1000)
    live.stop()
    wait_for(browser, lambda d: d.find_element(By.ID, "down-banner").is_displayed(), timeout_s=60)
    assert "unreachable since" in browser.find_element(By.ID, "down-banner").text
    assert_accessible(browser, "the dashboard, service down")
    live.start()
    wait_for(browser, lambda d: not d.find_element(By.ID, "down-banner").is_displayed(), timeout_s=60)

    # a wrong token: the dashboard closes and says why
    browser.execute_script("window.sessionStorage.setItem('sonix.admin_token', 'wrong')")
    browser.refresh()
    wait_for(browser, lambda d: d.find_element(By.ID, "message").is_displayed())
    assert "Bearer" in browser.find_element(By.ID, "message").text
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
