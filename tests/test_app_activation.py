"""Tests of the activation pages of the dashboard (Segments, Pre-send check) on a real built
demo warehouse (the session's ``demo_warehouse``, seed 7), with streamlit's AppTest.

The downloads are checked byte for byte against the CLI (`clearinghouse export segment`,
`clearinghouse presend`) run on the same warehouse: the bytes handed to each
``st.download_button`` are captured where Streamlit stores them (its media file storage).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from clearinghouse import export as segment_export
from clearinghouse import presend as presend_check

REPO_ROOT = Path(__file__).resolve().parents[1]
ENTRY = REPO_ROOT / "app" / "streamlit_app.py"
SEGMENTS_PAGE = "app_pages/segments.py"
PRESEND_PAGE = "app_pages/presend.py"
TIMEOUT = 180  # seconds per AppTest run: the export replays the whole history
EXPORT_FILES = ("contacts.csv", "hubspot_import.csv", "salesforce_campaign_members.csv",
                "suppressed.csv", "brief.md", "brief.html")
PRESEND_FILES = ("allowed.csv", "suppressed.csv", "owners_to_notify.csv", "errors.csv",
                 "brief.md", "brief.html")


@pytest.fixture(autouse=True)
def _fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def served(demo_warehouse, monkeypatch):
    """The demo warehouse served to the app (CLEARINGHOUSE_DB)."""
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(demo_warehouse.db))
    monkeypatch.delenv(segment_export.SALT_ENV, raising=False)
    return demo_warehouse


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """file name of each download button -> the bytes Streamlit serves for it."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return captured


def sql(warehouse, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse.db), read_only=True) as connection:
        return connection.execute(query, params or []).fetchall()


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    # later tiles with the same label win: the export's "Contacts" repeats the segment's
    return {metric.label: metric.value for metric in at.metric}


def frame_with(at: AppTest, *columns: str):
    matches = [f.value for f in at.dataframe if set(columns) <= set(f.value.columns)]
    assert len(matches) == 1, f"expected one table with {columns}, found {len(matches)}"
    return matches[0]


def assert_nothing_missing_shown(at: AppTest) -> None:
    for element in at.dataframe:
        frame = element.value
        assert not frame.isna().any().any(), frame.columns[frame.isna().any()].tolist()
        for value in frame.astype(str).to_numpy().ravel():
            assert value not in {"None", "nan", "NaT", "<NA>"}, frame.columns.tolist()


def segment_sizes(warehouse) -> dict[str, tuple[int, int]]:
    """segment_id -> (accounts, contacts), counted independently of the app."""
    accounts = dict(sql(warehouse, "select segment_id, count(distinct account_id) "
                                   "from fct_segment_membership group by 1"))
    contacts = dict(sql(warehouse, """
        select m.segment_id, count(*) from (select distinct segment_id, account_id
                                            from fct_segment_membership) m
        join dim_contacts c on c.account_id = m.account_id group by 1"""))
    return {segment: (count, contacts.get(segment, 0)) for segment, count in accounts.items()}


def smallest_segment(warehouse) -> str:
    sizes = segment_sizes(warehouse)
    return min((size[1], segment) for segment, size in sizes.items() if size[1] > 0)[1]


# --- segments -----------------------------------------------------------------------------------


def test_segment_sizes_equal_the_marts(served):
    at = open_page(SEGMENTS_PAGE)
    assert at.title[0].value == "Segments"
    expected = segment_sizes(served)
    table = frame_with(at, "segment_id", "accounts", "contacts")
    shown = {row.segment_id: (row.accounts, row.contacts) for row in table.itertuples()}
    assert {s: v for s, v in shown.items() if v[0]} == expected
    names = dict(sql(served, "select segment_id, name from segment_definitions"))
    assert set(table["segment_name"]) <= set(names.values())
    assert "Customer success" in set(table["owning_team"])  # team labels, not codes

    segment = smallest_segment(served)
    at.selectbox(key="segments_segment").set_value(segment).run()
    assert not at.exception, [e.value for e in at.exception]
    accounts, contacts = expected[segment]
    tiles = metrics(at)
    assert tiles["Accounts"] == f"{accounts:,}"
    assert tiles["Contacts"] == f"{contacts:,}"
    members = frame_with(at, "account_id", "days_in_segment")
    assert len(members) == accounts
    assert members["contacts"].sum() == contacts
    assert len(frame_with(at, "contact_id", "is_opted_out")) == contacts
    assert names[segment] in [header.value for header in at.subheader]
    assert_nothing_missing_shown(at)


def test_segment_trend_counts_members_from_the_history(served, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT / "app"))
    from lib import activation

    at = open_page(SEGMENTS_PAGE)
    segment = at.selectbox(key="segments_segment").value
    (data_end,) = sql(served, "select data_end_date from int_core__data_end")[0]
    (last_week,) = sql(served, "select date_trunc('week', ?::date)::date", [data_end])[0]
    (members,) = sql(served, """
        select count(*) from fct_segment_membership_history
        where segment_id = ? and entered_date <= ? and (exited_date is null or exited_date > ?)
    """, [segment, last_week, last_week])[0]
    trend = activation.segment_trend(segment)
    assert pd.Timestamp(trend["week_start"].iloc[-1]).date() == last_week
    assert trend["accounts"].iloc[-1] == members > 0


def test_export_matches_the_cli_byte_for_byte(served, downloads, tmp_path):
    segment = smallest_segment(served)
    (data_end,) = sql(served, "select data_end_date from int_core__data_end")[0]
    send_day = data_end + dt.timedelta(days=3)
    at = open_page(SEGMENTS_PAGE)
    at.selectbox(key="segments_segment").set_value(segment).run()
    downloads.clear()
    at.date_input(key="segments_send_date").set_value(send_day).run()
    at.button(key="segments_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]

    out = tmp_path / "cli"
    assert segment_export.main(["segment", segment, "--out", str(out), "--db",
                                str(served.db), "--send-date", send_day.isoformat()]) == 0
    for name in EXPORT_FILES:
        assert downloads[f"{segment}_{name}"] == (out / name).read_bytes(), name
    brief = [block.value for block in at.markdown if "Campaign brief: segment" in block.value]
    assert [text.strip() for text in brief] == [(out / "brief.md").read_text().strip()]
    assert {button.label for button in at.download_button} >= {
        "Allowed contacts (CSV)", "HubSpot import (CSV)", "Salesforce campaign members (CSV)",
        "Suppressed (CSV)", "Campaign brief (Markdown)", "Campaign brief (HTML)"}

    _, contacts = segment_sizes(served)[segment]
    allowed = list(csv.DictReader(io.StringIO((out / "contacts.csv").read_text())))
    suppressed = list(csv.DictReader(io.StringIO((out / "suppressed.csv").read_text())))
    tiles = metrics(at)
    assert tiles["Allowed"] == f"{len(allowed):,}"
    assert tiles["Suppressed"] == f"{len(suppressed):,}"
    assert len(allowed) + len(suppressed) == contacts
    if suppressed:
        reasons = frame_with(at, "rule_id", "main", "breaking")
        assert reasons["main"].sum() == len(suppressed)
        expected_main = {}
        for row in suppressed:
            expected_main[row["rule_id"]] = expected_main.get(row["rule_id"], 0) + 1
        assert dict(zip(reasons["rule_id"], reasons["main"], strict=True)) == {
            rule: count for rule, count in expected_main.items()}
        assert "—" not in set(reasons["description"])  # every reason has a human label
    assert_nothing_missing_shown(at)


def test_export_runs_only_on_the_button_and_its_downloads_stay(served, downloads, monkeypatch):
    """Opening the page runs no export; the button runs it once (the CLI's prepare_export),
    its downloads stay across reruns, and other send settings ask for a new run."""
    calls = []
    original = segment_export.prepare_export

    def counted(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(segment_export, "prepare_export", counted)
    segment = smallest_segment(served)
    at = open_page(SEGMENTS_PAGE)
    at.selectbox(key="segments_segment").set_value(segment).run()
    assert not at.exception, [e.value for e in at.exception]
    assert calls == [] and not at.download_button and not downloads
    assert any("Prepare export" in info.value for info in at.info)
    assert "Allowed" not in metrics(at)

    at.button(key="segments_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(calls) == 1 and calls[0][0][0] == segment
    labels = [button.label for button in at.download_button]
    assert "Allowed contacts (CSV)" in labels and "Campaign brief (HTML)" in labels
    allowed = int(metrics(at)["Allowed"].replace(",", ""))
    rows = list(csv.DictReader(io.StringIO(downloads[f"{segment}_contacts.csv"].decode())))
    assert len(rows) == allowed

    at.run()  # any rerun (another widget, a download click): the prepared export stays
    assert len(calls) == 1
    assert [button.label for button in at.download_button] == labels
    assert metrics(at)["Allowed"] == f"{allowed:,}"

    at.number_input(key="segments_send_hour").set_value(16).run()
    assert len(calls) == 1 and not at.download_button
    assert any("press **Prepare export** again" in info.value for info in at.info)
    at.button(key="segments_prepare").click().run()
    assert len(calls) == 2 and calls[1][1]["send_hour"] == 16
    assert at.download_button


def test_export_mask_pii_without_salt_is_a_clear_error(served):
    at = open_page(SEGMENTS_PAGE)
    at.checkbox(key="segments_mask_pii").check().run()
    at.button(key="segments_prepare").click().run()
    assert not at.exception
    assert any(segment_export.SALT_ENV in error.value for error in at.error)
    assert not at.download_button


def test_export_mask_pii_hashes_emails(served, downloads, monkeypatch):
    monkeypatch.setenv(segment_export.SALT_ENV, "test-salt")
    segment = smallest_segment(served)
    at = open_page(SEGMENTS_PAGE)
    at.selectbox(key="segments_segment").set_value(segment).run()
    downloads.clear()
    at.checkbox(key="segments_mask_pii").check().run()
    at.button(key="segments_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rows = list(csv.DictReader(io.StringIO(downloads[f"{segment}_contacts.csv"].decode())))
    assert rows and "full_name" not in rows[0]
    assert all("@" not in row["email"] for row in rows)


# --- pre-send -------------------------------------------------------------------------------------


def planned_file(warehouse) -> tuple[bytes, str, str]:
    """A planned send to one opted-out and one other real contact, and an unknown address."""
    query = """
        select c.email, c.contact_id from dim_contacts c
        join int_identity__contact_emails e on e.contact_id = c.contact_id
            and e.email = c.email and e.contact_count = 1
        where c.is_opted_out = ? and not coalesce(c.is_deleted_everywhere, false)
        order by c.contact_id limit 1
    """
    opted_out = sql(warehouse, query, [True])[0][0]
    other = sql(warehouse, query, [False])[0][0]
    (data_end,) = sql(warehouse, "select data_end_date from int_core__data_end")[0]
    when = f"{data_end + dt.timedelta(days=2)} 15:00:00"
    lines = ["email,contact_id,planned_at,team,category,channel,campaign"] + [
        f"{email},,{when},marketing,promotional,email,spring"
        for email in (opted_out, other, "nobody@nowhere.invalid")
    ]
    return ("\r\n".join(lines) + "\r\n").encode(), opted_out, other


def test_presend_upload_suppresses_the_opted_out_contact(served, downloads, tmp_path):
    data, opted_out, _ = planned_file(served)
    opt_out_rules = {row[0] for row in sql(
        served, "select rule_id from communication_policies "
                "where rule_type = 'opted_out_send' and cast(is_active as boolean)")}
    assert opt_out_rules
    at = open_page(PRESEND_PAGE)
    assert any("Upload a planned-send file" in info.value for info in at.info)
    at.file_uploader(key="presend_upload").set_value(("planned.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error

    suppressed = frame_with(at, "row_id", "earliest_allowed_reason")
    row = suppressed.set_index("email").loc[opted_out]
    assert set(row["rule_ids"].split(",")) & opt_out_rules
    assert row["earliest_allowed_reason"].startswith("never")
    reasons = frame_with(at, "rule_id", "main", "breaking")
    assert set(reasons["rule_id"]) & opt_out_rules
    descriptions = dict(sql(served, "select rule_id, description from communication_policies"))
    assert {descriptions[r] for r in set(reasons["rule_id"]) & opt_out_rules} <= set(
        reasons["description"])
    errors = frame_with(at, "error", "reason")
    assert errors["email"].tolist() == ["nobody@nowhere.invalid"]
    assert errors["error"].tolist() == ["unknown_recipient"]
    tiles = metrics(at)
    assert tiles["Planned rows"] == "3" and tiles["Errors"] == "1"
    assert int(tiles["Allowed"]) + int(tiles["Suppressed"]) == 2

    planned = tmp_path / "planned.csv"
    planned.write_bytes(data)
    out = tmp_path / "cli"
    assert presend_check.main([str(planned), "--out", str(out), "--db", str(served.db)]) == 0
    for name in PRESEND_FILES:  # the brief names the planned file: planned.csv in both
        assert downloads[name] == (out / name).read_bytes(), name
    assert_nothing_missing_shown(at)


@pytest.mark.parametrize("content", [
    b"foo,bar\r\n1,2\r\n",
    b"",
    bytes(range(256)) * 4,
], ids=["missing-columns", "empty", "binary"])
def test_presend_malformed_upload_shows_a_friendly_error(served, content):
    at = open_page(PRESEND_PAGE)
    at.file_uploader(key="presend_upload").set_value(("bad.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("This file cannot be checked: bad.csv:")
    assert "clearinghouse-presend-" not in message  # not the temporary copy's path
    assert not at.metric and not at.download_button


def test_pages_on_a_warehouse_without_the_activation_marts(tmp_path, monkeypatch):
    """A warehouse holding only the core marts (the dashboard's tiny fixture): both pages
    say to rebuild, never a traceback, and nothing is written next to the file."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest_app_fixture import build_warehouse

    path = tmp_path / "clearinghouse.duckdb"
    build_warehouse(path)
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(path))
    at = open_page(SEGMENTS_PAGE)
    assert len(at.error) == 1 and "clearinghouse build" in at.error[0].value
    at = open_page(PRESEND_PAGE)
    at.file_uploader(key="presend_upload").set_value(
        ("planned.csv", b"email,planned_at,team,category,channel\r\n", "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "clearinghouse build" in at.error[0].value
    assert "pre-send check read" in at.error[0].value
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clearinghouse.duckdb"]


# --- real browser ---------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _tables_too_wide(page) -> list[str]:
    """Tables whose columns do not fit their frame (a horizontal scroll bar would show)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stDataFrame] .dvn-scroller')]
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => `${e.scrollWidth}>${e.clientWidth}`)""")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ENTRY),
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
    with log.open("w") as handle:
        proc = subprocess.Popen(command, cwd=REPO_ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL,
                                env={**os.environ, "CLEARINGHOUSE_DB": str(db)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"streamlit exited early: {log.read_text()[-2000:]}"
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return proc, url
        time.sleep(0.25)
    proc.terminate()
    raise AssertionError("streamlit did not become healthy within 60s")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: install it "
                    "with `apt-get install -y chromium` to run the real-browser test")
def test_browser_segments_and_presend(served, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    data, opted_out, _ = planned_file(served)
    planned = tmp_path / "planned.csv"
    planned.write_bytes(data)
    proc, url = _serve(served.db, tmp_path / "streamlit.log")
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS, timeout=60_000)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.set_default_timeout(120_000)
                page.goto(url, wait_until="domcontentloaded")
                page.get_by_test_id("stSidebarNav").get_by_text("Segments").click()
                page.get_by_role("heading", name="Segments", exact=True).wait_for()
                page.get_by_role("button", name="Prepare export").click()
                page.get_by_role("button", name="Allowed contacts (CSV)").wait_for()
                page.wait_for_timeout(1500)
                page.screenshot(path=str(ARTIFACTS / "segments.png"), full_page=True)
                assert not page.get_by_test_id("stException").count()
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 1280, f"the Segments page is {width}px wide"
                export = page.get_by_text("Suppressed contacts and the earliest time")
                export.scroll_into_view_if_needed()
                page.wait_for_timeout(1000)
                page.screenshot(path=str(ARTIFACTS / "segments-export.png"))
                assert not _tables_too_wide(page), _tables_too_wide(page)

                page.get_by_test_id("stSidebarNav").get_by_text("Pre-send check").click()
                page.get_by_role("heading", name="Pre-send check").wait_for()
                page.locator("input[type=file]").set_input_files(str(planned))
                page.get_by_role("button", name="Owners to notify (CSV)").wait_for()
                page.locator("[role=gridcell]", has_text=opted_out).first.wait_for(
                    state="attached")
                page.wait_for_timeout(1500)
                page.screenshot(path=str(ARTIFACTS / "presend.png"), full_page=True)
                assert not page.get_by_test_id("stException").count()
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 1280, f"the Pre-send page is {width}px wide"
                assert not _tables_too_wide(page), _tables_too_wide(page)
            finally:
                browser.close()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    assert (ARTIFACTS / "segments.png").stat().st_size > 0
    assert (ARTIFACTS / "presend.png").stat().st_size > 0
