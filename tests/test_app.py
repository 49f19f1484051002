"""Tests of the Streamlit dashboard (app/) against a tiny fixture warehouse.

Page tests use ``streamlit.testing.v1.AppTest``; one smoke test drives the real app in a
headless system Chromium through Playwright (skipped only when /usr/bin/chromium is missing).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_app_fixture import (  # noqa: E402
    RULE_PROMO,
    Counts,
    build_warehouse,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
APP_DIR = REPO_ROOT / "app"
ENTRY = APP_DIR / "streamlit_app.py"
VIOLATIONS_PAGE = "app_pages/violations.py"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"  # screenshots of every page (git-ignored)
# Every other page: its sidebar label, its title, a text it shows on the fixture, and the
# query string it opens with (a shared view).
BROWSER_PAGES = [
    ("Customer 360", "Customer 360", "Golden record", "customer_360?q=acme"),
    ("Governance", "Governance", "Cross-team calendar", "governance"),
    ("Journeys", "Journeys", "Flows between stages", "journeys"),
    ("Team service levels", "Team service levels", "Workload per teammate per day",
     "service_levels"),
]  # fmt: skip
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 30  # seconds per AppTest run: generous for slow CI machines

ALICE_WINDOW = ["hubspot:101", "salesforce:00T1", "salesforce:00T2", "zendesk:9001"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Counts]:
    path = tmp_path / "warehouse" / "clearinghouse.duckdb"
    path.parent.mkdir()
    counts = build_warehouse(path)
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(path))
    return path, counts


def run_overview() -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_violations() -> AppTest:
    at = run_overview()
    at.switch_page(VIOLATIONS_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def expected_kpis(counts: Counts) -> dict[str, str]:
    return {
        "Accounts": str(counts.accounts),
        "Contacts": str(counts.contacts),
        "Messages": str(counts.messages),
        "Contacts with violations": str(counts.contacts_with_violations),
        "Policy violations": str(counts.violations),
    }


# The page's tables, told apart by a column only they have.
TABLE_MARKERS = {
    "ranked_contacts": "max_teams_in_window",
    "contact_violations": "violation_id",
    "violation_messages": "broke_the_rule",
}


def dataframe(at: AppTest, table: str):
    marker = TABLE_MARKERS[table]
    matches = [frame.value for frame in at.dataframe if marker in frame.value.columns]
    assert len(matches) == 1, f"expected one {table} table, found {len(matches)}"
    return matches[0]


def file_state(path: Path) -> tuple[str, int, list[str]]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


# --- overview ---------------------------------------------------------------------------


def test_overview_shows_fixture_kpis(warehouse):
    _, counts = warehouse
    at = run_overview()
    assert at.title[0].value == "Clearinghouse: customer communications"
    assert metrics(at).items() >= expected_kpis(counts).items()
    assert not at.error
    subheaders = [header.value for header in at.subheader]
    assert "Messages by team per week" in subheaders
    assert "Policy violations per week" in subheaders
    assert "Messages by category" in subheaders


def test_overview_team_filter_applies_to_charts(warehouse):
    at = run_overview()
    # Billing sent only an exempt invoice: messages are charted, violations are not.
    at.multiselect(key="overview_teams").set_value(["billing"]).run()
    assert not at.exception
    assert any("No policy violations" in msg.value for msg in at.success)
    assert not any("No messages" in msg.value for msg in at.info)
    # KPIs stay warehouse totals.
    assert metrics(at)["Policy violations"] == "4"


# --- violations ---------------------------------------------------------------------------


def test_violations_ranks_worst_contact_first_and_shows_causing_messages(warehouse):
    at = run_violations()
    assert at.title[0].value == "Communication-policy violations"
    assert metrics(at)["Violations"] == "4"
    assert metrics(at)["Contacts affected"] == "2"

    ranked = dataframe(at, "ranked_contacts")
    # Alice and Bob both have 2 violations; Alice's worst window holds 4 messages vs 3.
    assert ranked["email"].tolist() == ["alice@acme.example", "bob@globex.example"]
    assert ranked.iloc[0]["account_name"] == "Acme Corp"
    assert ranked.iloc[0]["violations"] == 2
    assert ranked.iloc[0]["max_messages_in_window"] == 4
    assert ranked.iloc[0]["teams"] == "Customer success, Marketing, Sales, Support"

    assert at.selectbox(key="violations_contact").value == "con_alice"
    violations = dataframe(at, "contact_violations")
    assert violations["violation_id"].tolist() == ["v_alice_2", "v_alice_1"]  # newest first

    assert at.selectbox(key="violations_violation").value == "v_alice_2"
    messages = dataframe(at, "violation_messages")
    assert messages["message_id"].tolist() == ALICE_WINDOW  # ordered by sent_at
    assert messages["team"].tolist() == ["Marketing", "Customer success", "Sales", "Support"]
    assert messages["subject"].iloc[-1] == "Ticket 9001 update"
    broke = messages.loc[messages["broke_the_rule"], "message_id"].tolist()
    assert broke == ["zendesk:9001"]
    assert not at.warning


def test_violations_drill_down_follows_selection(warehouse):
    at = run_violations()
    at.selectbox(key="violations_violation").set_value("v_alice_1").run()
    assert not at.exception
    messages = dataframe(at, "violation_messages")
    assert messages["message_id"].tolist() == ALICE_WINDOW[:3]

    at.selectbox(key="violations_contact").set_value("con_bob").run()
    assert not at.exception
    assert dataframe(at, "contact_violations")["violation_id"].tolist() == ["v_bob_1", "v_bob_2"]
    messages = dataframe(at, "violation_messages")
    assert messages["message_id"].tolist() == ["hubspot:102", "hubspot:103", "salesforce:00T3"]


def test_violations_filters(warehouse):
    at = run_violations()
    at.multiselect(key="violations_rules").set_value([RULE_PROMO]).run()
    assert not at.exception
    assert dataframe(at, "ranked_contacts")["email"].tolist() == ["bob@globex.example"]
    assert metrics(at)["Violations"] == "1"

    at.multiselect(key="violations_rules").set_value([]).run()
    at.multiselect(key="violations_teams").set_value(["support"]).run()
    assert not at.exception
    assert dataframe(at, "ranked_contacts")["email"].tolist() == ["alice@acme.example"]
    assert dataframe(at, "contact_violations")["violation_id"].tolist() == ["v_alice_2"]

    at.multiselect(key="violations_teams").set_value(["billing"]).run()
    assert not at.exception
    assert any("No violations match" in msg.value for msg in at.success)


def test_violations_severity_filter(warehouse):
    at = run_violations()
    assert at.multiselect(key="violations_severities").options == ["High"]
    at.multiselect(key="violations_severities").set_value(["high"]).run()
    assert not at.exception
    assert metrics(at)["Violations"] == "4"


# --- layout -------------------------------------------------------------------------------


def test_map_distinct_is_map_once_per_value(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT / "app"))
    import numpy as np
    import pandas as pd
    from lib import ui

    calls = []

    def label(value):
        calls.append(value)
        return ui.team_label(value)

    teams = pd.Series(["sales", None, "support", "sales", np.nan] * 1000, index=range(5, 5005))
    labelled = ui.map_distinct(teams, label)
    assert labelled.tolist() == teams.map(ui.team_label).tolist()
    assert labelled.index.equals(teams.index)
    assert sorted(map(str, calls)) == ["None", "sales", "support"]  # once each
    times = pd.Series(pd.to_datetime(["2024-03-04 09:00", None]))
    assert ui.map_distinct(times, ui._as_text).tolist() == ["2024-03-04 09:00", "—"]
    lists = pd.Series([["a"], None], dtype=object)  # unhashable: mapped row by row
    assert ui.map_distinct(lists, str).tolist() == ["['a']", "None"]


def test_layout_router_and_one_file_per_page():
    """The entry point only routes; every page is a file in app_pages/ listed in it; no
    legacy pages/ folder for Streamlit's automatic multipage to pick up."""
    assert not (APP_DIR / "pages").exists()
    router = ENTRY.read_text()
    pages = sorted(p.relative_to(APP_DIR).as_posix() for p in (APP_DIR / "app_pages").glob("*.py"))
    assert sorted(pages) == [
        "app_pages/customer_360.py",
        "app_pages/governance.py",
        "app_pages/journeys.py",
        "app_pages/overview.py",
        "app_pages/presend.py",
        "app_pages/segments.py",
        "app_pages/service_levels.py",
        "app_pages/violations.py",
    ]
    assert all(f'"{page}"' in router for page in pages)
    assert "st.navigation" in router and "lib.queries" not in router and "select" not in router


def test_filter_builder_binds_exactly_its_placeholders(monkeypatch):
    import datetime as dt

    monkeypatch.syspath_prepend(str(APP_DIR))
    from lib import queries

    filters = queries.Filters(
        start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31), teams=("sales",), rules=["r1"]
    )
    where = queries.Where(day="v.sent_at", team="v.team", rule="v.rule_id")
    assert where.params(filters, limit=5) == {
        "start": dt.date(2024, 3, 1),
        "end": dt.date(2024, 3, 31),
        "teams": ["sales"],
        "rules": ["r1"],
        "limit": 5,
    }
    assert set(re.findall(r"\$(\w+)", where.sql)) == {"start", "end", "teams", "rules"}
    assert queries.Where(week="week_start").params(filters) == {
        "start": dt.date(2024, 3, 1),
        "end": dt.date(2024, 3, 31),
    }
    assert queries.Where().sql == "true" and queries.Where().params(filters) == {}
    # Every module-level query binds exactly what its callers pass: checked by running the
    # pages above; here, that no query text holds a value (only $name placeholders).
    for name, value in vars(queries).items():
        if name.endswith("_SQL"):
            assert "'sales'" not in value and "2024" not in value, name


# --- robustness ---------------------------------------------------------------------------


def test_app_follows_an_atomic_rebuild(warehouse, tmp_path):
    path, counts = warehouse
    at = run_overview()
    assert metrics(at).items() >= expected_kpis(counts).items()

    staging = path.with_name("clearinghouse.duckdb.new")
    new_counts = build_warehouse(staging, rebuilt=True)
    assert new_counts != counts
    os.replace(staging, path)

    at.run()
    assert not at.exception
    assert metrics(at).items() >= expected_kpis(new_counts).items()
    at.switch_page(VIOLATIONS_PAGE).run()
    assert not at.exception
    assert dataframe(at, "ranked_contacts")["email"].iloc[0] == "alice@acme.example"


@pytest.mark.parametrize("page", [None, VIOLATIONS_PAGE])
def test_missing_warehouse_shows_friendly_message(tmp_path, monkeypatch, page):
    missing = tmp_path / "nowhere" / "clearinghouse.duckdb"
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(missing))
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "clearinghouse build" in at.error[0].value
    assert str(missing) in at.error[0].value
    assert not at.metric
    assert not missing.exists()  # a read-only app never creates the file


def test_incomplete_or_corrupt_warehouse_shows_friendly_message(tmp_path, monkeypatch):
    path = tmp_path / "clearinghouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table dim_accounts (account_id varchar)")
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(path))
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "fct_communications" in at.error[0].value
    assert "clearinghouse build" in at.error[0].value

    path.write_bytes(b"not a duckdb file")
    st.cache_data.clear()
    at.run()
    assert not at.exception
    assert "clearinghouse build" in at.error[0].value


def test_app_never_writes_to_the_warehouse(warehouse):
    path, _ = warehouse
    before = file_state(path)
    at = run_violations()
    at.selectbox(key="violations_contact").set_value("con_bob").run()
    at.multiselect(key="violations_teams").set_value(["marketing"]).run()
    assert not at.exception
    at = run_overview()
    at.multiselect(key="overview_teams").set_value(["sales"]).run()
    assert not at.exception
    assert file_state(path) == before  # same bytes, same mtime, no .wal or other new file


def test_db_path_default_and_override(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(APP_DIR))
    from lib import db

    monkeypatch.delenv("CLEARINGHOUSE_DB", raising=False)
    assert db.db_path() == REPO_ROOT / "warehouse" / "clearinghouse.duckdb"
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(tmp_path / "x.duckdb"))
    assert db.db_path() == tmp_path / "x.duckdb"


def test_app_sql_is_static_and_parameterised():
    """Every query the app runs is a literal (or a module constant): values are bound."""
    offenders = []
    for source in APP_DIR.rglob("*.py"):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in {"query", "scalar_row", "execute", "sql"}:
                continue
            sql = node.args[0]
            if not isinstance(sql, ast.Constant | ast.Name):
                offenders.append(f"{source.relative_to(REPO_ROOT)}:{node.lineno}")
    assert not offenders, f"dynamic SQL text at {offenders}"


# --- real browser ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited early with code {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.25)
    raise AssertionError(f"streamlit did not become healthy within {timeout}s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: install it with `apt-get install -y chromium`",
)
def test_browser_smoke(warehouse, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    path, counts = warehouse
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(ENTRY),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "CLEARINGHOUSE_DB": str(path)}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_healthy(url, proc, timeout=60)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
            )
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1100})
                page.set_default_timeout(30_000)
                page.goto(url, wait_until="domcontentloaded")
                page.get_by_role(
                    "heading", name="Clearinghouse: customer communications"
                ).wait_for()
                accounts_label = page.get_by_test_id("stMetricLabel").get_by_text(
                    "Accounts", exact=True
                )
                first_kpi = (
                    page.get_by_test_id("stMetric")
                    .filter(has=accounts_label)
                    .get_by_test_id("stMetricValue")
                )
                first_kpi.wait_for()
                assert first_kpi.inner_text().strip() == str(counts.accounts)
                page.get_by_text("Messages by team per week").wait_for()
                page.wait_for_timeout(1500)  # let the charts draw before the screenshot
                page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

                page.get_by_test_id("stSidebarNav").get_by_text("Violations").click()
                page.get_by_role("heading", name="Communication-policy violations").wait_for()
                # The ranking grid draws on a canvas; its accessible cells are in the DOM.
                ranking_cell = page.locator("[role=gridcell]", has_text="alice@acme.example")
                ranking_cell.first.wait_for(state="attached")
                # The worst contact is preselected in the drill-down picker.
                contact_picker = page.get_by_role("combobox", name="Contact", exact=True)
                sync_api.expect(contact_picker).to_have_value(re.compile("alice@acme.example"))
                page.get_by_text("Messages that caused it").wait_for()
                page.wait_for_timeout(1500)
                page.screenshot(path=str(ARTIFACTS / "violations.png"), full_page=True)
                assert not page.get_by_test_id("stException").count()
                assert not page.get_by_text("Page not found").count()

                for label, title, marker, path_and_query in BROWSER_PAGES:
                    # Through the sidebar, then again from its shareable URL.
                    page.get_by_test_id("stSidebarNav").get_by_text(label, exact=True).click()
                    page.get_by_role("heading", name=title, exact=True).wait_for()
                    page.goto(f"{url}/{path_and_query}", wait_until="domcontentloaded")
                    page.get_by_role("heading", name=title, exact=True).wait_for()
                    page.get_by_text(marker, exact=True).first.wait_for()
                    page.wait_for_timeout(1500)
                    name = path_and_query.split("?")[0]
                    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                    assert not page.get_by_test_id("stException").count(), title
                    assert not page.get_by_text("Page not found").count(), title
                    assert not page.get_by_text("<NA>").count(), title
            finally:
                browser.close()
    finally:
        _stop(proc)
    for name in ["overview", "violations", *(p[3].split("?")[0] for p in BROWSER_PAGES)]:
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 0
