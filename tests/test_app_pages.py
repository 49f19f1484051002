"""AppTest tests of the leaders' dashboard pages (Customer 360, ...) against the fixture
warehouse of ``conftest_app_fixture`` (known values: see that module)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_app_fixture import RULE_TEXT, build_warehouse  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
ENTRY = REPO_ROOT / "app" / "streamlit_app.py"
TIMEOUT = 30
CUSTOMER_360 = "app_pages/customer_360.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "clearinghouse.duckdb"
    build_warehouse(path)
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(path))
    return path


def open_page(page: str, **query_params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
    at.query_params.update(query_params)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    """The one table of the page that has ``column``."""
    matches = [frame.value for frame in at.dataframe if column in frame.value.columns]
    assert len(matches) == 1, f"expected one table with {column}, found {len(matches)}"
    return matches[0]


def no_missing_markers(at: AppTest) -> None:
    """No table shows None, NaN or <NA> in a column that became text."""
    for frame in at.dataframe:
        text = frame.value.select_dtypes(include=["object", "str"])
        assert not text.isna().any().any(), text.columns[text.isna().any()].tolist()


# --- customer 360 -------------------------------------------------------------------------


def test_customer_360_asks_for_a_search(warehouse):
    at = open_page(CUSTOMER_360)
    assert at.title[0].value == "Customer 360"
    assert any("Type part of an account name" in info.value for info in at.info)
    assert not at.dataframe


def test_customer_360_search_finds_accounts_then_contacts(warehouse):
    at = open_page(CUSTOMER_360)
    at.text_input(key="c360_search").input("ACME").run()
    assert not at.exception
    picker = at.selectbox(key="c360_match")
    assert picker.options == [
        "Account: Acme Corp (acme.example)",
        "Contact: Alice Archer <alice@acme.example> · Acme Corp",
        "Contact: Carol Chen <carol@acme.example> · Acme Corp",
    ]
    assert picker.value == "account:acc_acme"
    assert at.query_params["q"] == "ACME"
    assert at.query_params["customer"] == "account:acc_acme"

    # A literal % is not a wildcard: nothing matches.
    at.text_input(key="c360_search").input("%").run()
    assert any("No account or contact matches" in w.value for w in at.warning)


def test_customer_360_golden_record_history_people_segments_tickets(warehouse):
    at = open_page(CUSTOMER_360, q="carol@", customer="contact:con_carol")
    assert at.selectbox(key="c360_match").value == "contact:con_carol"
    assert at.header[0].value == "Acme Corp"

    record = frame_with(at, "attribute").set_index("attribute")
    assert record.loc["Owner", "value"] == "Dana Owner (Account management)"
    assert record.loc["Owner", "source"] == "Salesforce"
    assert record.loc["Domain", "source"] == "HubSpot"
    assert record.loc["Country", "source"] == "Stripe"
    assert record.loc["ARR", "value"] == "$144,000"
    assert record.loc["Plan", "value"] == "Enterprise"
    assert record.loc["Next renewal", "value"] == "2024-06-30"
    assert record.loc["Journey stage", "value"] == "Renewing since 2024-03-01"
    assert record.loc["Journey stage", "source"] == "Stage rule: Renewing within 90 days"
    assert record.loc["CSAT", "value"] == "4.5 / 5 (2 ratings)"
    assert record.loc["Engagement", "value"] == "42 points, rising"
    assert record.loc["Last touch: Customer success", "value"] == "2024-03-05 10:00 UTC"
    assert record.loc["Last touch: Account management", "value"] == "—"

    history = frame_with(at, "spell_number")
    assert history["journey_stage"].tolist() == ["Onboarding", "Adopting", "Renewing"]
    assert history["days_in_stage"].tolist() == [90, 184, 15]
    assert history["exited_at"].tolist()[-1] == "—"  # the current spell has not ended
    assert history["entry_rule"].tolist()[0] == "Onboarding first 90 days"

    segments = frame_with(at, "segment_name")
    assert segments["segment_name"].tolist() == ["ARR tier: enterprise", "Renewal due in 90 days"]
    assert segments["owning_team"].tolist() == ["Account management", "Customer success"]

    people = frame_with(at, "persona")
    assert people["full_name"].tolist() == ["Alice Archer", "Carol Chen"]  # most engaged first
    assert people["persona"].tolist() == ["Decision maker", "End user"]
    assert people["last_touch_team"].tolist() == ["Billing", "Marketing"]

    tickets = frame_with(at, "ticket_id")
    assert tickets["ticket_id"].tolist() == ["9001"]  # the solved one is not listed
    assert tickets["requester"].tolist() == ["Alice Archer"]
    assert tickets["is_resolution_breached"].tolist() == [True]
    no_missing_markers(at)


def test_customer_360_timeline_marks_violations(warehouse):
    at = open_page(CUSTOMER_360, q="acme")
    timeline = frame_with(at, "is_violation")
    assert len(timeline) == 6  # Alice's 5 messages and Carol's newsletter
    assert timeline["sent_at"].is_monotonic_decreasing
    broke = timeline[timeline["is_violation"]]
    assert broke["message_id"].tolist() == ["zendesk:9001", "salesforce:00T2"]
    assert set(broke["team"]) == {"Support", "Sales"}
    assert broke["rules_broken"].str.startswith("No contact gets more than 2").all()
    assert timeline.loc[~timeline["is_violation"], "rules_broken"].eq("—").all()
    assert any("**6** messages, **2** of them broke a rule" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 1
    no_missing_markers(at)


def test_customer_360_contact_only_toggle_and_contact_without_account(warehouse, tmp_path):
    at = open_page(CUSTOMER_360, q="carol", customer="contact:con_carol")
    at.toggle(key="c360_only_contact").set_value(True).run()
    assert not at.exception
    assert frame_with(at, "is_violation")["message_id"].tolist() == ["hubspot:104"]

    at = open_page(CUSTOMER_360, q="bob@", customer="contact:con_bob")
    assert frame_with(at, "is_violation")["is_violation"].sum() == 2


def test_customer_360_timeline_date_and_team_filters(warehouse):
    # Acme's messages: marketing 03-04, customer success 03-05, sales 03-06 (broke a rule),
    # support 03-07 (broke a rule), billing 03-08, marketing 03-11 (all 2024, UTC).
    at = open_page(CUSTOMER_360, q="acme", dates="2024-03-05..2024-03-07")
    timeline = frame_with(at, "is_violation")
    assert timeline["message_id"].tolist() == ["zendesk:9001", "salesforce:00T2",
                                               "salesforce:00T1"]
    assert any("**3** messages, **2** of them broke a rule" in m.value for m in at.markdown)
    assert at.date_input(key="c360_dates").value == (
        dt.date(2024, 3, 5), dt.date(2024, 3, 7))

    at.multiselect(key="c360_teams").set_value(["sales", "customer_success"]).run()
    assert not at.exception
    assert frame_with(at, "is_violation")["message_id"].tolist() == [
        "salesforce:00T2", "salesforce:00T1"]
    assert at.query_params["team"] == ["sales", "customer_success"]
    assert at.query_params["dates"] == "2024-03-05..2024-03-07"
    # the rest of the page is the account's, whatever the timeline shows
    assert len(frame_with(at, "engagement_score")) == 2

    at.multiselect(key="c360_teams").set_value(["billing"]).run()
    assert not any("is_violation" in f.value.columns for f in at.dataframe)
    assert any("in the selected dates and teams" in info.value for info in at.info)

    # the same view from a shared URL: all days, marketing only
    at = open_page(CUSTOMER_360, q="acme", team="marketing")
    assert frame_with(at, "is_violation")["message_id"].tolist() == ["hubspot:104",
                                                                     "hubspot:101"]


# --- shareable views: filters in the URL --------------------------------------------------


def test_filters_are_read_from_and_written_to_the_url(warehouse):
    at = open_page("app_pages/violations.py", team="support", dates="2024-03-07..2024-03-31")
    assert at.multiselect(key="violations_teams").value == ["support"]
    assert frame_with(at, "max_teams_in_window")["email"].tolist() == ["alice@acme.example"]
    at.multiselect(key="violations_rules").set_value(["max_1_promotional_per_7d"]).run()
    assert at.query_params["rule"] == "max_1_promotional_per_7d"
    assert at.query_params["dates"] == "2024-03-07..2024-03-08"  # clamped to the data
    # A value that is not an option (or a malformed date range) is ignored, not an error.
    at = open_page("app_pages/violations.py", team="nobody", dates="yesterday")
    assert at.multiselect(key="violations_teams").value == []


# --- governance ---------------------------------------------------------------------------

GOVERNANCE = "app_pages/governance.py"


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_governance_violations_by_rule_team_and_worst_contacted(warehouse):
    at = open_page(GOVERNANCE)
    assert at.title[0].value == "Governance"
    assert not at.error
    by_team = frame_with(at, "violation_count")
    # Rules shown in words, teams and severity labelled.
    assert by_team["rule"].tolist() == by_team["rule_id"].map(RULE_TEXT).tolist()
    rows = set(zip(by_team["rule_id"], by_team["team"], by_team["violation_count"], strict=True))
    assert rows == {
        ("max_2_per_7d", "Sales", 1),
        ("max_2_per_7d", "Support", 1),
        ("max_2_per_7d", "Account management", 1),
        ("max_1_promotional_per_7d", "Marketing", 1),
    }
    assert set(by_team["severity"]) == {"High"}

    contacts = frame_with(at, "max_messages_in_window")
    assert contacts["email"].tolist() == ["alice@acme.example", "bob@globex.example"]
    accounts = frame_with(at, "high_severity")
    assert accounts["account_name"].tolist() == ["Acme Corp", "Globex"]
    assert accounts["journey_stage"].tolist() == ["Renewing", "At risk"]
    assert accounts["rules"].tolist() == [1, 2]
    assert accounts["violations"].tolist() == [2, 2]


def test_governance_team_filter_in_url(warehouse):
    at = open_page(GOVERNANCE, team="marketing")
    by_team = frame_with(at, "violation_count")
    assert by_team["rule_id"].tolist() == ["max_1_promotional_per_7d"]
    assert frame_with(at, "high_severity")["account_name"].tolist() == ["Globex"]


def test_governance_calendar_fatigue_and_coverage(warehouse):
    at = open_page(GOVERNANCE)
    assert at.multiselect(key="governance_calendar_kinds").value == ["planned", "sent"]
    assert metrics_of(at)["Recommended cap"] == "2 per week"
    assert len(charts(at)) == 4  # violations, calendar heat-map, fatigue curve, coverage
    assert metrics_of(at)["Messaged by more than one system"] == "2"  # Alice and Bob
    assert metrics_of(at)["Average share the best system saw"] == "81%"

    misses = frame_with(at, "share_missed").set_index(["rule_id", "source_system"])
    # Bob's second webinar invite: HubSpot alone saw 2 promotional messages > cap 1.
    assert misses.loc[("max_1_promotional_per_7d", "HubSpot"), "violations_caught"] == 1
    assert misses.loc[("max_1_promotional_per_7d", "HubSpot"), "share_missed"] == 0.0
    # No system alone saw more than 2 of Alice's or Bob's messages: all 3 missed by each.
    assert (misses.xs("max_2_per_7d")["share_missed"] == 1.0).all()

    least = frame_with(at, "largest_source_share")
    assert least["email"].tolist()[:2] == ["alice@acme.example", "bob@globex.example"]
    assert least["largest_source_system"].tolist()[:2] == ["Salesforce", "HubSpot"]
    # the coverage histogram comes binned (10% bins) from the query: one row per bin and system
    bins = chart_data(at, "share_from")
    assert {(row.share_from, row.share_to, row.system, row.contacts)
            for row in bins.itertuples()} == {
        (0.4, 0.5, "Salesforce", 1),  # Alice: 2 of her 5 messages
        (0.6, 0.7, "HubSpot", 1),  # Bob: 2 of 3
        (0.9, 1.0, "HubSpot", 1),  # Carol: her only message (100% is in the last bin)
        (0.9, 1.0, "Salesforce", 1),  # Dan
        (0.9, 1.0, "Zendesk", 1),  # Erin
    }
    no_missing_markers(at)


def test_governance_coverage_honours_region_and_segment(warehouse):
    at = open_page(GOVERNANCE, region="NA")
    least = frame_with(at, "largest_source_share")
    assert sorted(least["email"]) == ["bob@globex.example", "dan@initech.example",
                                      "erin@initech.example"]
    tiles = metrics_of(at)
    assert tiles["Contacts messaged"] == "3"
    assert tiles["Messaged by more than one system"] == "1"  # Bob
    assert tiles["Average share the best system saw"] == "89%"  # (2/3 + 1 + 1) / 3
    assert tiles["Recommended cap"] == "2 per week"  # the fatigue curve is warehouse-wide
    captions = " ".join(caption.value for caption in at.caption)
    assert "Warehouse-wide" in captions and "sidebar filters do not apply" in captions
    assert "dates and teams do not" in captions

    at = open_page(GOVERNANCE, segment="renewal_due_90d")  # Acme: Alice and Carol
    least = frame_with(at, "largest_source_share")
    assert least["email"].tolist() == ["alice@acme.example", "carol@acme.example"]
    assert metrics_of(at)["Contacts messaged"] == "2"


def test_governance_cap_misses_honour_the_severity_filter(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        for table in ("fct_cadence_violations", "rpt_single_source_cap_misses"):
            connection.execute(f"update {table} set severity = 'medium' "
                               "where rule_id = 'max_1_promotional_per_7d'")
    at = open_page(GOVERNANCE)
    assert set(frame_with(at, "share_missed")["rule_id"]) == {
        "max_2_per_7d", "max_1_promotional_per_7d"}
    at = open_page(GOVERNANCE, severity="high")
    assert set(frame_with(at, "share_missed")["rule_id"]) == {"max_2_per_7d"}
    at.multiselect(key="governance_severities").set_value(["medium"]).run()
    assert set(frame_with(at, "share_missed")["rule_id"]) == {"max_1_promotional_per_7d"}
    assert at.query_params["severity"] == "medium"


def test_governance_calendar_kind_filter(warehouse):
    at = open_page(GOVERNANCE)
    at.multiselect(key="governance_calendar_kinds").set_value([]).run()
    assert any("No sent or planned messages" in info.value for info in at.info)
    at.multiselect(key="governance_calendar_kinds").set_value(["planned"]).run()
    assert not at.exception
    assert len(charts(at)) == 4


def metrics_of(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


# --- journeys -----------------------------------------------------------------------------

JOURNEYS = "app_pages/journeys.py"


def chart_data(at: AppTest, column: str):
    """The data of the one chart on the page that has ``column``."""
    import pyarrow as pa

    frames = []
    for chart in charts(at):
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if column in frame.columns:
                frames.append(frame)
    assert len(frames) == 1, f"expected one chart with {column}, found {len(frames)}"
    return frames[0]


def test_journeys_funnel_flows_time_in_stage_and_clv(warehouse):
    at = open_page(JOURNEYS)
    assert at.title[0].value == "Journeys"
    funnel = frame_with(at, "share_reached")
    assert funnel["journey_stage"].tolist() == ["Onboarding", "Adopting", "Renewing", "At risk"]
    assert funnel["share_reached"].tolist() == [1.0, 0.5, 0.5, 0.5]
    assert funnel["accounts_reached"].tolist() == [2, 1, 1, 1]

    flows = chart_data(at, "transitions")
    moves = set(zip(flows["from_stage"], flows["to_stage"], flows["transitions"], strict=True))
    assert moves == {("Onboarding", "Adopting", 1), ("Adopting", "Renewing", 1),
                     ("Onboarding", "At risk", 1)}  # fmt: skip

    times = frame_with(at, "median_days_finished").set_index("journey_stage")
    assert times.loc["Onboarding", "finished_spells"] == 2
    assert times.loc["Onboarding", "median_days_finished"] == "90.0"  # text: the column has gaps
    assert times.loc["Renewing", "current_spells"] == 1
    assert times.loc["Renewing", "median_days_finished"] == "—"  # no finished stay yet
    assert list(times.index) == ["Prospect", "Onboarding", "Adopting", "Renewing", "At risk"]

    clv = frame_with(at, "projected_lifetime_value_per_account")
    assert clv["path"].tolist() == ["Onboarding → Adopting → Renewing", "Onboarding → At risk"]
    no_missing_markers(at)


def test_journeys_region_and_segment_filters(warehouse):
    # Globex is in NA; Acme in EMEA (fixture accounts).
    at = open_page(JOURNEYS, region="NA")
    flows = chart_data(at, "transitions")
    assert flows[["from_stage", "to_stage"]].values.tolist() == [["Onboarding", "At risk"]]
    assert at.query_params["region"] == "NA"

    at = open_page(JOURNEYS, segment="renewal_due_90d")
    assert at.multiselect(key="journeys_segments").value == ["renewal_due_90d"]
    flows = chart_data(at, "transitions")
    assert set(flows["to_stage"]) == {"Adopting", "Renewing"}  # Acme's moves only

    at = open_page(JOURNEYS, dates="2024-03-01..2024-03-15")
    flows = chart_data(at, "transitions")
    assert flows[["from_stage", "to_stage"]].values.tolist() == [["Adopting", "Renewing"]]


# --- team service levels ------------------------------------------------------------------

SERVICE = "app_pages/service_levels.py"


def test_service_levels_tickets_breaches_tasks_and_workload(warehouse):
    at = open_page(SERVICE)
    assert at.title[0].value == "Team service levels"
    tickets = frame_with(at, "first_reply_breach_rate").set_index("priority")
    assert tickets.loc["High", "open_tickets"] == 1
    assert tickets.loc["High", "resolution_breach_rate"] == 1.0  # 9001 is open past 24 h
    assert tickets.loc["Normal", "tickets"] == 2
    assert tickets.loc["Normal", "first_reply_breach_rate"] == 0.5  # 8999: 11 h vs 8 h
    assert tickets.loc["Normal", "median_first_reply_hours"] == 6.0
    assert set(tickets["team"]) == {"Support"}

    stages = frame_with(at, "breach_rate").set_index("journey_stage")
    assert stages.loc["Renewing", "breached_tickets"] == 2
    assert stages.loc["Renewing", "arr_breached"] == "144,000"
    assert stages.loc["Prospect", "arr_breached"] == "—"

    late = frame_with(at, "is_resolution_breached")
    assert late["ticket_id"].tolist() == ["9001"]
    assert late["account_name"].tolist() == ["Acme Corp"]

    tasks = frame_with(at, "median_hours_to_action")
    assert tasks[["team", "task_type"]].values.tolist() == [
        ["Account management", "Call"], ["Customer success", "Call"],
        ["Customer success", "Email"],
    ]  # fmt: skip
    assert tasks["open_tasks"].tolist() == [1, 0, 0]

    workload = chart_data(at, "open_items")
    assert len(workload) == 5
    swamped = workload.loc[workload["swamped"] == "Swamped", "person"].tolist()
    assert swamped == ["Casey Success (Customer success)"]
    no_missing_markers(at)


def test_service_levels_team_and_region_filters(warehouse):
    at = open_page(SERVICE, team="customer_success")
    assert any("No ticket was opened" in info.value for info in at.info)
    assert frame_with(at, "median_hours_to_action")["tasks"].tolist() == [1, 1]

    at = open_page(SERVICE, region="NA")  # Globex and Initech
    late = [frame for frame in at.dataframe if "is_resolution_breached" in frame.value.columns]
    assert not late and any("No open ticket is late" in s.value for s in at.success)
    tasks = frame_with(at, "median_hours_to_action")
    assert tasks["team"].tolist() == ["Account management"]


# --- overview: governance scorecard -------------------------------------------------------


def test_overview_scorecard_with_trend_vs_previous_period(warehouse):
    at = open_page("app_pages/overview.py", weeks="2024-03-11..2024-03-17")
    contacts = next(m for m in at.metric if m.label.startswith("Contacts over policy"))
    # Week of 11 March: nobody over the policy; the week before: both contacts messaged were.
    assert contacts.value == "0.0%"
    assert contacts.proto.delta == "-100.0 pts vs previous period"
    card = frame_with(at, "severity_label")
    overall = card[(card["team_label"] == "All teams") & (card["severity_label"] == "Any severity")]
    assert overall["contacts_change"].tolist() == ["-100.0"]
    assert overall["contacts_share"].tolist() == ["0.0%"]
    marketing = card[(card["team_label"] == "Marketing") & (card["severity_label"] == "High")]
    # Marketing messaged Bob (over the policy) and Alice in week 1, Carol (fine) in week 2.
    assert marketing["contacts_share"].tolist() == ["0.0%"]
    assert marketing["contacts_change"].tolist() == ["-50.0"]
    assert "None" not in card.astype(str).values


def test_overview_scorecard_team_filter_keeps_all_teams_row(warehouse):
    at = open_page("app_pages/overview.py", team="support")
    card = frame_with(at, "severity_label")
    assert set(card["team_label"]) == {"All teams", "Support"}
    support = card[(card["team_label"] == "Support") & (card["severity_label"] == "Any severity")]
    assert support["contacts_share"].tolist() == ["50.0%"]  # Alice (week 1) over; Erin not
    assert support["weeks"].tolist() == [2]
    no_missing_markers(at)
