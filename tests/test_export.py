"""Segment export (clearinghouse.export), the earliest allowed send time
(clearinghouse.policy.earliest_allowed_at) and the campaign brief (clearinghouse.brief).

Expectations are computed here from the marts and the consent model with independent SQL,
or by hand for the tiny ledgers, never from the code under test."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_policy_replay import policies

from clearinghouse.cli import main as cli_main
from clearinghouse.export import (
    HUBSPOT_COLUMNS,
    SALESFORCE_COLUMNS,
    SALT_ENV,
    ExportError,
    export_segment,
    prepare_export,
    with_opt_out_floor,
)
from clearinghouse.policy import (
    Context,
    Ledger,
    Message,
    Rule,
    audit,
    earliest_allowed_at,
    load_context,
    load_history,
    load_rules,
)
from clearinghouse.presend import check_plan, presend

FAST = settings(max_examples=6, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class State:
    """What the tests need from the demo warehouse, loaded once."""

    def __init__(self, db: Path):
        self.db = db
        with duckdb.connect(str(db), read_only=True) as connection:
            self.segments = [row[0] for row in connection.execute(
                "select segment_id from fct_segment_membership group by 1 "
                "order by count(*), segment_id").fetchall()]
            self.opted_out = {row[0] for row in connection.execute(
                "select contact_id from int_consent__opt_outs union "
                "select contact_id from dim_contacts where is_opted_out "
                "or opted_out_at is not null").fetchall()}
            self.data_end = connection.execute(
                "select max(sent_at) from fct_communications").fetchone()[0]
            self.context = load_context(connection)
            self.history = load_history(connection)
            self.rules = load_rules(connection)
        self.context.flag_opt_out_at = datetime.min  # as the export and presend do

    def segment_contacts(self, segment_id: str) -> set[str]:
        """Independent SQL: the contacts of the accounts in the segment."""
        with duckdb.connect(str(self.db), read_only=True) as connection:
            return {row[0] for row in connection.execute(
                "select contact_id from dim_contacts where account_id in "
                "(select account_id from fct_segment_membership where segment_id = ?)",
                [segment_id]).fetchall()}


@pytest.fixture(scope="module")
def state(demo_warehouse) -> State:
    return State(demo_warehouse.db)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


# -- the contacts and the split -------------------------------------------------------

@pytest.fixture(scope="module")
def exported(state, module_tmp):
    """The largest segment, exported with the warehouse's policy, default send date."""
    segment_id = state.segments[-1]
    out = module_tmp / "export"
    result = export_segment(segment_id, out, state.db, campaign_id="701XYZ")
    return segment_id, out, result


def test_export_contacts_are_the_segment_contacts(state, exported):
    segment_id, out, result = exported
    expected = state.segment_contacts(segment_id)
    allowed = set(_read(out / "contacts.csv")["contact_id"])
    suppressed = set(_read(out / "suppressed.csv")["contact_id"])
    assert expected, segment_id
    assert allowed | suppressed == expected
    assert not allowed & suppressed
    assert len(_read(out / "contacts.csv")) == len(allowed)  # one row per contact
    assert len(_read(out / "suppressed.csv")) == len(suppressed)
    assert allowed and suppressed  # the largest segment has both at the default date
    assert len(result.contacts) == len(expected)


def test_prepare_export_is_in_memory_and_is_what_the_cli_writes(state, exported, tmp_path,
                                                               monkeypatch):
    """prepare_export (what the dashboard offers) writes nothing; export_segment (the CLI)
    writes exactly its bytes, every file."""
    segment_id, out, result = exported
    monkeypatch.chdir(tmp_path)
    memory = prepare_export(segment_id, state.db, campaign_id="701XYZ")
    assert list(tmp_path.iterdir()) == [] and memory.out_dir is None and memory.paths == []
    assert sorted(memory.files) == sorted(path.name for path in out.iterdir()) == sorted(
        ["contacts.csv", "hubspot_import.csv", "salesforce_campaign_members.csv",
         "suppressed.csv", "brief.md", "brief.html"])
    for name, data in memory.files.items():
        assert data == (out / name).read_bytes(), name
    assert result.paths == [out / name for name in result.files]
    assert memory.allowed.equals(result.allowed)
    assert memory.suppressed.equals(result.suppressed)
    assert memory.summary().splitlines()[-1].startswith("in memory: contacts.csv")
    assert len(pd.read_csv(io.BytesIO(memory.files["contacts.csv"]))) == len(memory.allowed)


def test_account_facts_come_from_the_marts(state, exported):
    segment_id, out, _ = exported
    with duckdb.connect(str(state.db), read_only=True) as connection:
        expected = {row[0]: tuple("" if v is None else str(v) for v in row[1:])
                    for row in connection.execute(
            "select c.contact_id, c.email, a.account_name, a.primary_domain, a.plan, "
            "a.journey_stage, c.persona from dim_contacts c join dim_accounts a "
            "using (account_id) where a.account_id in (select account_id from "
            "fct_segment_membership where segment_id = ?)", [segment_id]).fetchall()}
    for row in _read(out / "contacts.csv").itertuples():
        assert (row.email, row.account_name.lstrip("'"), row.domain, row.plan,
                row.journey_stage, row.persona) == expected[row.contact_id]


def test_counts_by_reason_match_suppressed_csv(state, exported, tmp_path, capsys):
    segment_id, out, result = exported
    suppressed = _read(out / "suppressed.csv")
    by_rule: dict[str, int] = {}
    for rule_ids in suppressed["rule_ids"]:
        for rule_id in rule_ids.split(","):
            by_rule[rule_id] = by_rule.get(rule_id, 0) + 1
    assert result.by_rule == by_rule
    assert result.by_main_rule == suppressed["rule_id"].value_counts().to_dict()
    for row in suppressed.itertuples():  # the most severe rule is one of all the rules
        assert row.rule_id in row.rule_ids.split(",")
        assert len(row.evidence.split(" | ")) == len(row.rule_ids.split(","))
    # the printed dry run (through the CLI) shows the same numbers
    assert cli_main(["export", "segment", segment_id, "--out", str(tmp_path / "cli"),
                     "--db", str(state.db)]) == 0
    printed = capsys.readouterr().out
    assert f"contacts in segment : {len(state.segment_contacts(segment_id))}" in printed
    assert f"suppressed          : {len(suppressed)}" in printed
    for rule_id, count in by_rule.items():
        assert any(line.split()[:2] == [rule_id, str(count)] for line in printed.splitlines())


def test_every_opted_out_contact_is_suppressed_with_all_its_rules(state, exported):
    segment_id, out, _ = exported
    suppressed = _read(out / "suppressed.csv").set_index("contact_id")
    opted = state.opted_out & state.segment_contacts(segment_id)
    assert opted, "the largest demo segment has opted-out contacts"
    for contact_id in opted:
        rules = suppressed.loc[contact_id, "rule_ids"].split(",")
        assert "send_after_opt_out" in rules
        assert suppressed.loc[contact_id, "earliest_allowed_at"] == ""
        assert suppressed.loc[contact_id, "earliest_allowed_reason"].startswith("never")


def test_hubspot_and_salesforce_files(state, exported):
    segment_id, out, _ = exported
    allowed = _read(out / "contacts.csv")
    hubspot = _read(out / "hubspot_import.csv")
    assert list(hubspot.columns) == ["Email", "First Name", "Last Name", "Job Title",
                                     "Company Name", "Company Domain Name", "Country/Region"]
    assert list(hubspot.columns) == list(HUBSPOT_COLUMNS)
    assert sorted(hubspot["Email"]) == sorted(allowed["email"])
    salesforce = _read(out / "salesforce_campaign_members.csv")
    assert list(salesforce.columns) == ["ContactId", "CampaignId", "Status", "Email"]
    assert list(salesforce.columns) == list(SALESFORCE_COLUMNS)
    assert set(salesforce["Status"]) == {"Planned"} and set(salesforce["CampaignId"]) == {
        "701XYZ"}
    with duckdb.connect(str(state.db), read_only=True) as connection:
        crm = {row[0]: row[1] for row in connection.execute(
            "select contact_id, salesforce_contact_ids from dim_contacts").fetchall()}
    by_email = dict(zip(allowed["email"], allowed["contact_id"], strict=True))
    expected = {email for email, contact_id in by_email.items() if crm[contact_id]}
    assert set(salesforce["Email"]) == expected
    for row in salesforce.itertuples():
        assert row.ContactId in crm[by_email[row.Email]].split(",")


def test_brief_is_written(exported):
    segment_id, out, result = exported
    markdown = (out / "brief.md").read_text(encoding="utf-8")
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert markdown.startswith(f"# Campaign brief: segment {segment_id}")
    for heading in ("## Audience", "## Allowed and suppressed",
                    "## Collisions with other teams' planned sends", "## Owners to notify"):
        assert heading in markdown
    assert f"{len(result.allowed)} allowed, {len(result.suppressed)} suppressed." in markdown
    assert "<h2>Owners to notify</h2>" in page


def test_opted_out_contacts_are_suppressed_even_without_an_opt_out_rule(state, exported,
                                                                       tmp_path):
    segment_id, _, _ = exported
    result = export_segment(segment_id, tmp_path / "o", state.db, rules=[])
    opted = state.opted_out & state.segment_contacts(segment_id)
    suppressed = _read(tmp_path / "o" / "suppressed.csv")
    with duckdb.connect(str(state.db), read_only=True) as connection:
        no_email = {row[0] for row in connection.execute(
            "select contact_id from dim_contacts where email is null "
            "or is_deleted_everywhere").fetchall()}
    assert set(suppressed["contact_id"]) == opted | (no_email & state.segment_contacts(
        segment_id))
    assert set(result.by_rule) <= {"opt_out_floor", "no_email", "deleted_everywhere"}


# -- property: no opted-out contact is ever allowed ------------------------------------

@FAST
@given(data=st.data(), rule_rows=policies(), days=st.integers(0, 30),
       hour=st.integers(0, 23))
def test_no_opted_out_contact_is_ever_allowed(state, data, rule_rows, days, hour):
    """Whatever segment, send date and policy (random rule sets of every type, possibly
    with no opt-out rule at all), an opted-out contact is never in the allowed export."""
    segment_id = data.draw(st.sampled_from(state.segments[:6]))  # the smaller ones: fast
    rules = [Rule.from_row(row) for row in rule_rows]
    send = (state.data_end + timedelta(days=days)).date()
    with tempfile.TemporaryDirectory() as folder:
        result = export_segment(segment_id, Path(folder), state.db, send_date=str(send),
                                send_hour=hour, rules=rules)
        allowed = set(_read(Path(folder) / "contacts.csv")["contact_id"])
        suppressed = set(_read(Path(folder) / "suppressed.csv")["contact_id"])
    assert not allowed & state.opted_out
    assert allowed | suppressed == state.segment_contacts(segment_id)
    assert len(result.allowed) == len(allowed)


# -- the earliest allowed time ------------------------------------------------------

def _rule(**row) -> Rule:
    base = {"scope": "contact", "severity": "high", "counted_categories": "promotional|sales",
            "channels": "*", "is_active": True, "description": row["rule_id"]}
    return Rule.from_row({**base, **row})


CAP = dict(rule_id="cap", rule_type="rolling_cap", window_kind="rolling", window_days=7,
           max_messages=2)
QUIET = dict(rule_id="quiet", rule_type="quiet_hours", quiet_start_hour=20, quiet_end_hour=8)
T0 = datetime(2026, 3, 2, 10)  # a Monday


def _message(message_id: str, at: datetime, contact: str = "c1", team: str = "marketing",
             category: str = "promotional") -> Message:
    return Message(message_id, contact, "a1", team, category, "email", at)


def _ledger(rules, messages, time_zone="UTC") -> Ledger:
    context = Context(contacts={"c1": (time_zone, None, False), "c2": (time_zone, None, False)})
    ledger = Ledger(rules, context)
    for message in messages:
        ledger.add(message)
    return ledger


def test_earliest_is_when_the_oldest_message_leaves_the_window():
    ledger = _ledger([_rule(**CAP)], [_message("h1", T0), _message("h2", T0 + timedelta(1))])
    when, why = earliest_allowed_at(ledger, _message("p", T0 + timedelta(days=2)))
    assert (when, why) == (T0 + timedelta(days=7, microseconds=1), "")


def test_earliest_waits_for_the_end_of_quiet_hours_in_local_time():
    ledger = _ledger([_rule(**CAP), _rule(**QUIET)],
                     [_message("h1", T0 - timedelta(hours=9)), _message("h2", T0)],
                     time_zone="America/New_York")
    # the cap frees up at h1 + 7 days + 1 us = Monday 2026-03-09 01:00 UTC = Sunday 21:00
    # in New York (EDT since 2026-03-08, UTC-4): quiet until 08:00 local = 12:00 UTC
    when, _ = earliest_allowed_at(ledger, _message("p", T0 + timedelta(hours=1)))
    assert when == datetime(2026, 3, 9, 12)


def test_earliest_keeps_a_later_message_within_its_window():
    """A later known message would be pushed over the cap: moving past it is not enough
    (the candidate's own window then holds both), the oldest has to leave."""
    later = [_message("h1", T0), _message("h2", T0 + timedelta(days=3))]
    ledger = _ledger([_rule(**CAP)], later)
    # at T0 + 1 day, p would make h2 the 3rd in [h2 - 7d, h2]; from h2 + 1 us on, p's own
    # window holds h1 and h2 (3 messages) until h1 leaves at T0 + 7 days + 1 us
    when, _ = earliest_allowed_at(ledger, _message("p", T0 + timedelta(days=1)))
    assert when == T0 + timedelta(days=7, microseconds=1)


def test_earliest_never_when_opted_out_and_none_within_the_horizon():
    rule = _rule(rule_id="opt", rule_type="opted_out_send")
    ledger = _ledger([rule], [])
    ledger.context.contacts["c1"] = ("UTC", T0 - timedelta(days=1), True)
    when, why = earliest_allowed_at(ledger, _message("p", T0))
    assert when is None and why.startswith("never: opt:")
    capped = _ledger([_rule(**{**CAP, "max_messages": 0})], [])
    when, why = earliest_allowed_at(capped, _message("p", T0), horizon_days=10)
    assert when is None and why.startswith("not within 10 days: cap:")


@FAST
@given(rule_rows=policies(), days=st.integers(0, 10), hour=st.integers(0, 23),
       pick=st.randoms(use_true_random=False))
def test_every_earliest_time_breaks_no_rule(state, rule_rows, days, hour, pick):
    """Each suggested time, added to the history and the allowed sends, creates no
    violation on any message (audit before vs after); and no time between the planned
    time and the suggestion (sampled) would have been allowed."""
    rules = [Rule.from_row(row) for row in rule_rows]
    _check_earliest(state, rules, state.segments[len(state.segments) // 2], days, hour, pick)


def test_earliest_times_with_the_warehouse_policy(state):
    """The same checks with the shipped policy at 02:00 local time (quiet hours): there
    are suggestions to check."""
    checked = _check_earliest(state, state.rules, state.segments[-1], 1, 2,
                              random.Random(5), sample=12)
    assert checked == 12


def _check_earliest(state, rules, segment_id, days, hour, pick, sample=4) -> int:
    send = (state.data_end + timedelta(days=days)).date()
    with tempfile.TemporaryDirectory() as folder:
        result = export_segment(segment_id, Path(folder), state.db, send_date=str(send),
                                send_hour=hour, rules=rules)
    allowed = [Message(f"export:{row.contact_id}", row.contact_id, row.account_id,
                       "marketing", "promotional", "email", row.planned_at.to_pydatetime())
               for row in result.allowed.itertuples()]
    suggested = [row for row in result.suppressed.itertuples()
                 if row.earliest_allowed_at is not None and not pd.isna(row.earliest_allowed_at)]
    rules_used = with_opt_out_floor(rules)
    for row in pick.sample(suggested, min(sample, len(suggested))):
        planned_at = pd.Timestamp(row.planned_at).to_pydatetime()
        moved = Message(f"export:{row.contact_id}", row.contact_id, row.account_id,
                        "marketing", "promotional", "email",
                        pd.Timestamp(row.earliest_allowed_at).to_pydatetime())
        assert moved.sent_at >= planned_at
        related = [message for message in state.history + allowed
                   if message.contact_id == moved.contact_id
                   or message.account_id == moved.account_id]
        order = lambda messages: sorted(messages, key=lambda m: (m.sent_at, m.message_id))  # noqa: E731
        before = {(v.message_id, v.rule_id)
                  for v in audit(order(related), rules_used, state.context)}
        after = {(v.message_id, v.rule_id)
                 for v in audit(order(related + [moved]), rules_used, state.context)}
        assert after == before, (row.contact_id, row.earliest_allowed_at, after - before)
        # earlier times (sampled, plus the instant before) are not allowed
        ledger = Ledger(rules_used, state.context)
        for message in related:
            ledger.add(message)
        span = (moved.sent_at - planned_at) // timedelta(microseconds=1)
        probes = [span - 1] + [pick.randrange(span) for _ in range(8)] if span > 0 else []
        for offset in probes:
            early = Message(moved.message_id, moved.contact_id, moved.account_id, moved.team,
                            moved.category, moved.channel,
                            planned_at + timedelta(microseconds=offset))
            assert ledger.check(early), (row.contact_id, early.sent_at)
    return min(sample, len(suggested))


def test_presend_reports_earliest_and_writes_the_brief(state, tmp_path):
    with duckdb.connect(str(state.db), read_only=True) as connection:
        contacts = [row[0] for row in connection.execute(
            "select contact_id from dim_contacts where not is_opted_out and opted_out_at "
            "is null order by contact_id limit 5").fetchall()]
        opted = connection.execute(
            "select contact_id from dim_contacts where is_opted_out order by contact_id "
            "limit 1").fetchone()[0]
    # 03:00 UTC somewhere: some in quiet hours; one opted out: never
    at = (state.data_end + timedelta(days=2)).replace(hour=3, minute=0, second=0,
                                                      microsecond=0)
    plan = tmp_path / "plan.csv"
    with open(plan, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "contact_id", "planned_at", "team", "category", "channel",
                         "campaign"])
        for contact_id in [*contacts, opted]:
            writer.writerow(["", contact_id, f"{at}", "marketing", "promotional", "email",
                             "spring"])
    result = presend(plan, tmp_path / "out", state.db)
    suppressed = _read(tmp_path / "out" / "suppressed.csv").set_index("contact_id")
    assert opted in suppressed.index
    assert suppressed.loc[opted, "earliest_allowed_at"] == ""
    assert suppressed.loc[opted, "earliest_allowed_reason"].startswith("never")
    for row in result.suppressed.itertuples():
        if row.earliest_allowed_at is not None and not pd.isna(row.earliest_allowed_at):
            assert row.earliest_allowed_at >= row.planned_at
    assert (tmp_path / "out" / "brief.md").read_text().startswith(
        "# Campaign brief: pre-send check of plan.csv")
    # the same check in memory (the dashboard's path): exactly the bytes the CLI wrote
    memory = check_plan("plan.csv", plan.read_bytes(), state.db)
    assert memory.out_dir is None and result.out_dir == tmp_path / "out"
    assert sorted(memory.files) == sorted(p.name for p in (tmp_path / "out").iterdir())
    for name, data in memory.files.items():
        assert data == (tmp_path / "out" / name).read_bytes(), name


# -- masking, injection, escaping, errors -----------------------------------------------

def test_mask_pii_has_no_raw_email_and_no_names(state, exported, tmp_path, monkeypatch):
    segment_id, _, _ = exported
    monkeypatch.delenv(SALT_ENV, raising=False)
    with pytest.raises(ExportError, match=SALT_ENV):
        export_segment(segment_id, tmp_path / "nosalt", state.db, mask_pii=True)
    assert not (tmp_path / "nosalt").exists()
    monkeypatch.setenv(SALT_ENV, "pepper")
    out = tmp_path / "masked"
    export_segment(segment_id, out, state.db, mask_pii=True, fmt="parquet")
    with duckdb.connect(str(state.db), read_only=True) as connection:
        people = connection.execute(
            "select contact_id, email, first_name, last_name, full_name from dim_contacts "
            "where account_id in (select account_id from fct_segment_membership "
            "where segment_id = ?)", [segment_id]).fetchall()
    emails = {row[1].lower() for row in people if row[1]}
    names = {name for row in people for name in row[2:] if name}
    texts = [path.read_text(encoding="utf-8") for path in out.glob("*.csv")]
    texts += [(out / "brief.md").read_text(encoding="utf-8"),
              (out / "brief.html").read_text(encoding="utf-8")]
    frame = pd.read_parquet(out / "contacts.parquet")
    texts.append(frame.to_csv(index=False))
    for text in texts:
        lowered = text.lower()
        assert not any(email in lowered for email in emails)
    # (owner_name holds employees, whose names may coincide with a contact's)
    for path in out.glob("*.csv"):
        cells = _read(path).drop(columns=["owner_name"], errors="ignore")
        assert not set(cells.to_numpy().ravel()) & names, path.name
    people_cells = frame.drop(columns=["owner_name"]).astype(str).to_numpy().ravel()
    assert not set(people_cells) & names
    assert not {"first_name", "last_name", "full_name"} & set(frame.columns)
    email_of = {row[0]: row[1] for row in people}
    for row in frame.itertuples():
        assert row.email == hashlib.sha256(("pepper" + email_of[row.contact_id])
                                           .encode()).hexdigest()
    hubspot = _read(out / "hubspot_import.csv")
    assert "First Name" not in hubspot.columns and "Email" in hubspot.columns


PAYLOAD = '=HYPERLINK("http://x")<script>alert(1)</script>'


def test_outputs_neutralise_injection_and_escape_html(state, exported, tmp_path):
    segment_id, _, _ = exported
    db = tmp_path / "names.duckdb"
    shutil.copy(state.db, db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("update dim_accounts set account_name = ?, owner_name = ?",
                           [PAYLOAD, "@" + PAYLOAD])
        connection.execute("update dim_contacts set title = ?, first_name = ?",
                           ["-" + PAYLOAD, "+cmd"])
    out = tmp_path / "out"
    export_segment(segment_id, out, db)
    for path in out.glob("*.csv"):
        cells = _cells(path)
        assert len(cells) > 1, path.name
        for row in cells:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path, cell)
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_segment_is_a_clear_error(state, tmp_path, capsys):
    code = cli_main(["export", "segment", "no_such_segment", "--out", str(tmp_path / "o"),
                     "--db", str(state.db)])
    err = capsys.readouterr().err
    assert code == 1
    assert "unknown segment 'no_such_segment'" in err
    for segment_id in state.segments:
        assert segment_id in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_send_date_and_hour(state, exported, tmp_path):
    segment_id = state.segments[0]
    result = export_segment(segment_id, tmp_path / "o", state.db, send_date="2026-12-01",
                            send_hour=9)
    frame = pd.concat([result.allowed, result.suppressed])
    from zoneinfo import ZoneInfo
    for row in frame.itertuples():
        zone = ZoneInfo(row.time_zone if isinstance(row.time_zone, str) else "UTC")
        local = row.planned_at.to_pydatetime().replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
        assert (local.date().isoformat(), local.hour) == ("2026-12-01", 9)
    fixed = export_segment(segment_id, tmp_path / "p", state.db,
                           send_date="2026-12-01T15:30:00Z")
    times = set(pd.concat([fixed.allowed, fixed.suppressed])["planned_at"])
    assert times == {pd.Timestamp("2026-12-01 15:30:00")}
    with pytest.raises(ExportError, match="send-date"):
        export_segment(segment_id, tmp_path / "q", state.db, send_date="tomorrow")


def test_brief_lists_other_teams_planned_sends(state, exported, tmp_path):
    """Planned rows of the calendar from other teams around the send date are collisions;
    marketing's own and those outside the window are not."""
    segment_id = state.segments[0]
    db = tmp_path / "planned.duckdb"
    shutil.copy(state.db, db)
    send = (state.data_end + timedelta(days=1)).date()
    with duckdb.connect(str(db)) as connection:
        columns = [row[0] for row in connection.execute(
            "select column_name from information_schema.columns where table_name = "
            "'rpt_communications_calendar' order by ordinal_position").fetchall()]
        for day, team, count in [(send, "sales", 41), (send + timedelta(days=1), "marketing", 42),
                                 (send + timedelta(days=9), "support", 43)]:
            values = {"period": "day", "period_start": day, "week_start": day, "kind": "planned",
                      "team": team, "category": "sales", "channel": "email",
                      "message_count": count, "contact_count": 1, "account_count": 1}
            connection.execute(
                f"insert into rpt_communications_calendar ({', '.join(columns)}) values "
                f"({', '.join('?' for _ in columns)})", [values[c] for c in columns])
    out = tmp_path / "out"
    export_segment(segment_id, out, db, send_date=str(send))
    markdown = (out / "brief.md").read_text(encoding="utf-8")
    collisions = markdown.split("## Collisions")[1].split("## Owners")[0]
    assert f"| {send} | sales | sales | email | 41 | 1 |" in collisions
    assert "| 42 |" not in collisions and "| 43 |" not in collisions
