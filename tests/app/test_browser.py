"""A real browser (Playwright on Debian's /usr/bin/chromium) against `streamlit run` on the
ten-year sample: overview → alerts → an alert's evidence → acknowledge → 预售资金监管 → SQL →
English.
Screenshots go to tests/artifacts/ (or $HOUSEWATCH_TEST_ARTIFACTS)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from serving import reviews

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("HOUSEWATCH_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _need_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        reason = "playwright and /usr/bin/chromium are needed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {reason}")
        pytest.skip(reason)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(ten_year_warehouse):
    _, home = ten_year_warehouse
    port = _free_port()
    env = dict(os.environ, HOUSEWATCH_HOME=str(home.home), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app/dashboard/main.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not become healthy in 60 s")
        yield base, home
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_analyst_journey_in_a_real_browser(served) -> None:
    sync_playwright = _need_browser()
    base, home = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    (alert_id,) = con.sql(
        "select a.alert_id from fct_alerts a join fct_alert_evidence e using (alert_id) "
        "where a.level = 'red' order by a.period_start desc, a.alert_id limit 1"
    ).fetchall()[0]
    con.close()
    before = reviews.history(alert_id, home.home).height
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(30_000)
        page.goto(base)
        page.get_by_role("heading", name="总览").first.wait_for()
        page.get_by_text("新房成交套数").first.wait_for()
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for()
        page.wait_for_timeout(1500)  # let Vega finish drawing before the screenshot
        page.screenshot(path=ARTIFACTS / "01_overview.png", full_page=True)

        page.get_by_role("link", name="预警").first.click()
        page.wait_for_url(f"{base}/alerts*")
        page.get_by_text("选择预警").first.wait_for()
        page.screenshot(path=ARTIFACTS / "02_alerts.png", full_page=True)

        page.goto(f"{base}/alerts?alert={alert_id}")
        page.get_by_text("证据明细").first.wait_for()
        page.wait_for_timeout(1500)
        page.screenshot(path=ARTIFACTS / "03_evidence.png", full_page=True)
        page.get_by_role("button", name="确认预警").click()
        page.get_by_text("复核已保存").first.wait_for()
        page.screenshot(path=ARTIFACTS / "04_acknowledged.png", full_page=True)
        assert reviews.history(alert_id, home.home).height == before + 1

        page.get_by_role("link", name="预售资金监管").first.click()
        page.wait_for_url(f"{base}/escrow*")
        page.get_by_role("heading", name="预售资金监管").first.wait_for()
        page.get_by_text("项目监管情况").first.wait_for()
        page.get_by_text("重点房企融资管理档位").first.wait_for()
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for()
        page.wait_for_timeout(1500)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=ARTIFACTS / "05_escrow.png", full_page=True)

        page.get_by_role("link", name="SQL 工作台").first.click()
        page.wait_for_url(f"{base}/sql*")
        box = page.get_by_label("查询")
        box.fill("select count(*) as n from fct_alerts where level = 'red'")
        box.press("Control+Enter")
        page.get_by_role("button", name="运行").click()
        page.get_by_text("返回 1 行").first.wait_for()
        page.screenshot(path=ARTIFACTS / "06_sql.png", full_page=True)

        page.get_by_text("English").first.click()
        page.get_by_role("heading", name="SQL workbench").first.wait_for()
        page.screenshot(path=ARTIFACTS / "07_english.png", full_page=True)
        browser.close()
    assert reviews.history(alert_id, home.home)["status"].to_list()[0] == "acknowledged"
