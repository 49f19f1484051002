"""Pre-send check (clearinghouse.presend) and its policy evaluator (clearinghouse.policy).

The evaluator must agree with the warehouse message for message (replay of the history),
and the pre-send decisions must never let a violation through."""

from __future__ import annotations

import csv
import io
import random
import shutil
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_cases import model_of

from clearinghouse.policy import (
    RULE_TYPES,
    SELF_CAUSED_TYPES,
    WINDOWED_TYPES,
    Message,
    audit,
    load_context,
    load_history,
    load_rules,
    local_time,
)
from clearinghouse.presend import (
    PresendInputError,
    normalise_email,
    parse_timestamp,
    presend,
)
from clearinghouse.presend import main as presend_main

COLUMNS = ["email", "contact_id", "planned_at", "team", "category", "channel", "campaign"]

# which rules each rule model checks (the registry of rule types: seeds/policy_rule_types.csv);
# any rule with rows in a model counts as covered too
def _covers(model: str):
    return lambda rule: model_of(rule) == model


MODEL_COVERS = {
    model: _covers(model) for rule_type in RULE_TYPES.values() for model in rule_type.models
}


class State:
    """The demo warehouse, loaded once: rules, context, history and its violations."""

    def __init__(self, db: Path):
        self.db = db
        with duckdb.connect(str(db), read_only=True) as connection:
            self.rules = load_rules(connection)
            self.context = load_context(connection)
            self.history = load_history(connection)
            self.recipients = connection.execute(
                "select contact_id, email from int_identity__contact_emails "
                "where contact_count = 1 order by contact_id, email limit 60"
            ).fetchall()
        self.context.flag_opt_out_at = datetime.min  # as presend does
        self.history_ids = {message.message_id for message in self.history}
        self.end = max(message.sent_at for message in self.history)
        self.by_id = {rule.rule_id: rule for rule in self.rules}


@pytest.fixture(scope="module")
def state(demo_warehouse) -> State:
    return State(demo_warehouse.db)


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{column: row.get(column, "") for column in COLUMNS} for row in rows])
    return path


# -- the evaluator agrees with the warehouse ----------------------------------------------

def _warehouse_violations(db: Path, rules) -> tuple[set[str], dict]:
    """Rules checked by the rule models present in the build, and their violations."""
    with duckdb.connect(str(db), read_only=True) as connection:
        # the violation models of the registry present in the build, and the mart
        tables = [row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_name in ("
            + ", ".join("?" for _ in MODEL_COVERS) + ", 'fct_cadence_violations')",
            list(MODEL_COVERS),
        ).fetchall()]
        rows = {}
        covered = set()
        for table in tables:
            if table in MODEL_COVERS:
                covered |= {rule.rule_id for rule in rules if MODEL_COVERS[table](rule)}
            columns = {row[0] for row in connection.execute(
                "select column_name from information_schema.columns where table_name = ?",
                [table],
            ).fetchall()}
            count = "messages_in_window" if "messages_in_window" in columns else "null"
            for message_id, rule_id, rule_type, in_window in connection.execute(
                f"select message_id, rule_id, rule_type, {count} from {table}"
            ).fetchall():
                covered.add(rule_id)
                rows[(message_id, rule_id)] = (rule_type, in_window)
    return covered, rows


def test_replay_of_history_matches_the_warehouse(state):
    """Every historical message, evaluated against the messages at or before its instant,
    breaks exactly the rules the warehouse says it breaks (for every rule whose model is
    in the build; new rule models are picked up automatically)."""
    covered, warehouse = _warehouse_violations(state.db, state.rules)
    assert "base_contact_cadence" in covered
    history_only = state.context.flag_opt_out_at
    state.context.flag_opt_out_at = None  # the audit knows no time for flag-only opt-outs
    try:
        mine = {(violation.message_id, violation.rule_id): violation
                for violation in audit(state.history, state.rules, state.context)
                if violation.rule_id in covered}
    finally:
        state.context.flag_opt_out_at = history_only
    missing = set(warehouse) - set(mine)
    extra = set(mine) - set(warehouse)
    assert not missing and not extra, (
        f"warehouse only: {sorted(missing)[:5]} ({len(missing)}); "
        f"evaluator only: {sorted(extra)[:5]} ({len(extra)})"
    )
    for key, (rule_type, in_window) in warehouse.items():
        if rule_type == "rolling_cap" and in_window is not None:
            assert mine[key].messages_in_window == in_window, key
    print(f"replay agrees on {len(mine)} violations of {sorted(covered)}")


# -- errors and recipients -------------------------------------------------------------

def test_bad_rows_land_in_errors_with_reasons(state, tmp_path):
    (contact_id, email), (other_id, _) = state.recipients[0], state.recipients[1]
    local, domain = email.split("@")
    at = (state.end + timedelta(days=2)).replace(hour=15, minute=0, second=0)
    rows = [
        {"email": "nobody@unknown-company.example", "planned_at": f"{at}", "team": "marketing",
         "category": "promotional", "channel": "email"},
        {"email": email, "planned_at": "next tuesday", "team": "marketing",
         "category": "promotional", "channel": "email"},
        {"email": email, "planned_at": f"{at}", "team": "marketing", "category": "spam",
         "channel": "email"},
        {"email": email, "planned_at": f"{at}", "team": "growth", "category": "promotional",
         "channel": "pigeon"},
        {"email": "", "contact_id": "", "planned_at": f"{at}", "team": "support",
         "category": "support", "channel": "email"},
        {"email": "not an address", "planned_at": f"{at}", "team": "support",
         "category": "support", "channel": "email"},
        {"email": email, "contact_id": other_id, "planned_at": f"{at}", "team": "support",
         "category": "support", "channel": "email"},
        # these resolve: contact_id only, and an email written differently
        {"contact_id": other_id, "planned_at": f"{at}", "team": "Support",
         "category": "SUPPORT", "channel": "Email"},
        {"email": f"  {local.upper()}+news@{domain.upper()} ", "contact_id": contact_id,
         "planned_at": at.isoformat() + "Z", "team": "billing", "category": "transactional",
         "channel": "email"},
    ]
    result = presend(_write(tmp_path / "plan.csv", rows), tmp_path / "out", state.db)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv").set_index("row_id")
    assert errors.loc[1, "error"] == "unknown_recipient"
    assert errors.loc[2, "error"] == "missing_or_unparseable_timestamp"
    assert errors.loc[3, "error"] == "unknown_category"
    assert "unknown_team" in errors.loc[4, "reason"] or errors.loc[4, "error"] == "unknown_team"
    assert "channel 'pigeon'" in errors.loc[4, "reason"]
    assert errors.loc[5, "error"] == "missing_recipient"
    assert errors.loc[6, "error"] == "invalid_email"
    assert errors.loc[7, "error"] == "recipient_mismatch"
    assert errors["reason"].notna().all()
    decided = pd.concat([result.allowed, result.suppressed])
    assert sorted(decided["row_id"]) == [8, 9]
    assert set(decided["contact_id"]) == {other_id, contact_id}
    assert set(decided["team"]) == {"support", "billing"}
    assert result.input_rows == 9


def test_ambiguous_email_is_an_error(state, tmp_path):
    """A shared address (one email, several contacts) is reported, never guessed. The demo
    data has none, so a copy of the warehouse gets one: an email marked as shared."""
    db = tmp_path / "shared.duckdb"
    shutil.copy(state.db, db)
    with duckdb.connect(str(db)) as connection:
        shared = connection.execute(
            "select email from int_identity__contact_emails order by email limit 1"
        ).fetchall()[0][0]
        connection.execute(
            "update int_identity__contact_emails set contact_count = 2 where email = ?", [shared]
        )
    at = state.end + timedelta(days=1)
    rows = [{"email": shared, "planned_at": f"{at}", "team": "marketing",
             "category": "promotional", "channel": "email"}]
    result = presend(_write(tmp_path / "plan.csv", rows), tmp_path / "out", db)
    assert list(result.errors["error"]) == ["ambiguous_recipient_email"]
    assert result.allowed.empty and result.suppressed.empty


def test_normalisation_matches_the_warehouse_macros():
    assert normalise_email(" Ann.Lee+promo@GoogleMail.com ") == "ann.lee@gmail.com"
    assert normalise_email("a+b+c@x.io") == "a@x.io"
    assert normalise_email("no-at-sign.example.com") is None
    assert parse_timestamp("2026-11-02T10:00:00+02:00") == datetime(2026, 11, 2, 8)
    assert parse_timestamp("2026-11-02 10:00:00") == datetime(2026, 11, 2, 10)
    assert parse_timestamp("1793527200") == datetime(2026, 11, 1, 10)
    assert parse_timestamp("1793527200000") == datetime(2026, 11, 1, 10)
    assert parse_timestamp("soon") is None


def test_priority_order_gives_the_cap_to_the_more_important_category(state, tmp_path):
    """Three planned messages to one quiet contact in one day: the cap (2 per 7 days) goes
    to sales and success, whatever the order in the file; promotional is suppressed by the
    rolling cap, caused by the two planned messages allowed before it."""
    cap = state.by_id.get("base_contact_cadence")
    if cap is None:
        pytest.skip("base rule not active")
    cutoff = state.end - timedelta(days=8)
    busy = {key for message in state.history if message.sent_at >= cutoff
            for key in (message.contact_id, message.account_id)}
    with duckdb.connect(str(state.db), read_only=True) as connection:
        contact_id, account_id = next(
            (contact_id, account_id) for contact_id, account_id in connection.execute(
                "select contact_id, account_id from dim_contacts where not is_opted_out "
                "and account_id is not null order by contact_id"
            ).fetchall()
            if contact_id not in busy and account_id not in busy
        )
    time_zone = state.context.time_zone(contact_id)
    # noon local time, so quiet hours do not interfere
    noon = (state.end + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    at = noon - (local_time(noon, time_zone) - noon)
    team = state.context.accounts.get(account_id, (None, None))[1] or "customer_success"
    rows = [
        {"contact_id": contact_id, "planned_at": f"{at}", "team": "marketing",
         "category": "promotional", "channel": "email"},
        {"contact_id": contact_id, "planned_at": f"{at + timedelta(hours=1)}", "team": team,
         "category": "sales", "channel": "email"},
        {"contact_id": contact_id, "planned_at": f"{at + timedelta(hours=2)}", "team": team,
         "category": "success", "channel": "email"},
    ]
    result = presend(_write(tmp_path / "plan.csv", rows), tmp_path / "out", state.db)
    suppressed = result.suppressed.set_index("row_id")
    assert sorted(result.allowed["row_id"]) == [2, 3], result.suppressed.to_dict("records")
    assert list(suppressed.index) == [1]
    assert "base_contact_cadence" in suppressed.loc[1, "rule_ids"].split(",")
    if suppressed.loc[1, "rule_id"] == "base_contact_cadence":
        assert set(suppressed.loc[1, "caused_by_message_ids"].split(",")) <= {
            "planned:2", "planned:3", *state.history_ids
        }


# -- property: decisions never let a violation through ------------------------------------

PAIRS = [
    ("marketing", "promotional", "email"), ("customer_success", "success", "email"),
    ("customer_success", "success", "phone"), ("sales", "sales", "email"),
    ("account_management", "sales", "phone"), ("support", "support", "email"),
    ("billing", "transactional", "email"),
]
TEAMS = sorted({pair[0] for pair in PAIRS})
CATEGORIES = sorted({pair[1] for pair in PAIRS})


@st.composite
def plans(draw):
    size = draw(st.integers(min_value=1, max_value=30))
    contacts = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for _ in range(size):
        recipient = draw(st.integers(min_value=0, max_value=contacts - 1))
        minutes = draw(st.integers(min_value=1, max_value=7 * 24 * 60))
        if draw(st.booleans()):
            team, category, channel = draw(st.sampled_from(PAIRS))
        else:
            team = draw(st.sampled_from(TEAMS))
            category = draw(st.sampled_from(CATEGORIES))
            channel = draw(st.sampled_from(["email", "phone"]))
        by = draw(st.sampled_from(["email", "contact_id", "both"]))
        rows.append((recipient, minutes, team, category, channel, by))
    offset = draw(st.integers(min_value=0, max_value=40))
    return offset, rows


def _brute_force_cap_ok(rule, message, messages, context) -> bool:
    """Independent count for rolling caps: every message of the scope, linear scan."""
    def key(other):
        return other.account_id if rule.scope == "account" else other.contact_id

    def counted(other):
        return (other.category in rule.counted_categories
                and other.category not in rule.exempt_categories
                and (rule.channels is None or other.channel in rule.channels))

    if not counted(message) or key(message) is None:
        return True
    if rule.window_kind == "calendar_week":
        zone = context.time_zone(message.contact_id)
        week = local_time(message.sent_at, zone).date()
        week -= timedelta(days=week.weekday())

        def in_window(other):
            local = local_time(other.sent_at, zone).date()
            return local - timedelta(days=local.weekday()) == week \
                and other.sent_at <= message.sent_at
    else:
        start = message.sent_at - timedelta(days=rule.window_days)

        def in_window(other):
            return start <= other.sent_at <= message.sent_at
    total = sum(1 for other in messages
                if key(other) == key(message) and counted(other) and in_window(other))
    return total <= rule.max_messages


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(plan=plans())
def test_presend_property(state, plan):
    offset, drawn = plan
    recipients = state.recipients[offset:offset + 12]
    rows = []
    for recipient, minutes, team, category, channel, by in drawn:
        contact_id, email = recipients[recipient % len(recipients)]
        rows.append({
            "email": email if by != "contact_id" else "",
            "contact_id": contact_id if by != "email" else "",
            "planned_at": f"{state.end + timedelta(minutes=minutes)}",
            "team": team, "category": category, "channel": channel, "campaign": "prop",
        })
    with tempfile.TemporaryDirectory() as folder:
        result = presend(_write(Path(folder) / "plan.csv", rows), Path(folder) / "out",
                         state.db)
        on_disk = {name: pd.read_csv(Path(folder) / "out" / f"{name}.csv")
                   for name in ("allowed", "suppressed", "errors")}
    # (a) every input row in exactly one output
    ids = Counter([*on_disk["allowed"]["row_id"], *on_disk["suppressed"]["row_id"],
                   *on_disk["errors"]["row_id"]])
    assert sorted(ids) == list(range(1, len(rows) + 1))
    assert set(ids.values()) == {1}
    # (b) the allowed messages, added to the history, create no violation
    allowed = [
        Message(row.planned_message_id, row.contact_id, row.account_id, row.team,
                row.category, row.channel, row.planned_at)
        for row in result.allowed.itertuples()
    ]
    contacts = {message.contact_id for message in allowed}
    accounts = {message.account_id for message in allowed if message.account_id}
    related = [message for message in state.history
               if message.contact_id in contacts or message.account_id in accounts]
    before = {(v.message_id, v.rule_id) for v in audit(related, state.rules, state.context)}
    combined = sorted(related + allowed, key=lambda message: (message.sent_at,
                                                              message.message_id))
    after = {(v.message_id, v.rule_id) for v in audit(combined, state.rules, state.context)}
    assert after - before == set(), f"allowed plan creates violations: {after - before}"
    for rule in state.rules:
        if rule.rule_type == "rolling_cap":
            for message in allowed:
                assert _brute_force_cap_ok(rule, message, combined, state.context), (
                    rule.rule_id, message)
    # (c) every suppression names a rule and existing causes
    planned_ids = {f"planned:{index}" for index in range(1, len(rows) + 1)}
    for row in result.suppressed.itertuples():
        rule = state.by_id[row.rule_id]
        assert row.reason and row.rule_id in row.rule_ids.split(",")
        causes = row.caused_by_message_ids.split(",")
        assert causes and all(cause in state.history_ids or cause in planned_ids
                              for cause in causes)
        if rule.rule_type in SELF_CAUSED_TYPES:
            assert causes == [row.planned_message_id]
        else:
            assert rule.rule_type in WINDOWED_TYPES
            assert row.planned_message_id not in causes
            planned_causes = [cause for cause in causes if cause in planned_ids]
            assert set(planned_causes) <= set(result.allowed["planned_message_id"])


# -- output safety (formula injection) and input robustness ----------------------------

PAYLOADS = ['=HYPERLINK("http://x")', "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]
OUTPUTS = ("allowed", "suppressed", "owners_to_notify", "errors")


def _quiet_owned_contacts(state: State, count: int) -> list[tuple[str, str, str]]:
    """(contact_id, account_id, owner_team) of contacts not opted out, of owned accounts
    with no message in the last 8 days of the history (so no cap or collision applies);
    one contact per account."""
    cutoff = state.end - timedelta(days=8)
    busy = {key for message in state.history if message.sent_at >= cutoff
            for key in (message.contact_id, message.account_id)}
    found, accounts = [], set()
    with duckdb.connect(str(state.db), read_only=True) as connection:
        for contact_id, account_id, owner_team in connection.execute(
            "select c.contact_id, c.account_id, a.owner_team from dim_contacts c "
            "join dim_accounts a using (account_id) where not c.is_opted_out "
            "and a.owner_user_id is not null and a.owner_team is not null "
            "order by c.contact_id"
        ).fetchall():
            if contact_id in busy or account_id in busy or account_id in accounts:
                continue
            found.append((contact_id, account_id, owner_team))
            accounts.add(account_id)
            if len(found) == count:
                break
    assert len(found) == count, "not enough quiet contacts in the demo warehouse"
    return found


def _opted_out_contact(state: State) -> str:
    with duckdb.connect(str(state.db), read_only=True) as connection:
        return connection.execute(
            "select contact_id from dim_contacts where is_opted_out order by contact_id limit 1"
        ).fetchall()[0][0]


def _local_noon(state: State, contact_id: str, days: int) -> datetime:
    """UTC time of noon local time for the contact, `days` after the end of the history."""
    noon = (state.end + timedelta(days=days)).replace(hour=12, minute=0, second=0,
                                                      microsecond=0)
    return noon - (local_time(noon, state.context.time_zone(contact_id)) - noon)


def _other_team(owner_team: str) -> str:
    return next(team for team in ("sales", "customer_success", "account_management")
                if team != owner_team)


def _all_cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_outputs_neutralise_formula_injection(state, tmp_path):
    """Campaign names, raw input values and CRM account/owner names that a spreadsheet
    would execute are written with a leading ' in all four output CSVs."""
    db = tmp_path / "names.duckdb"
    shutil.copy(state.db, db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("update dim_accounts set account_name = ?, owner_name = ?",
                           [PAYLOADS[0], PAYLOADS[1]])
    quiet = _quiet_owned_contacts(state, 4)
    rows = []
    for index, (contact_id, _, owner_team) in enumerate(quiet):
        # own-team message (allowed), then other-team outreach (allowed or owner_not_looped:
        # either way the owner is to be notified)
        at = _local_noon(state, contact_id, 2 + index)
        rows.append({"contact_id": contact_id, "planned_at": f"{at}", "team": owner_team,
                     "category": "success", "channel": "email",
                     "campaign": PAYLOADS[index % len(PAYLOADS)]})
        rows.append({"contact_id": contact_id, "planned_at": f"{at + timedelta(hours=1)}",
                     "team": _other_team(owner_team), "category": "sales", "channel": "email",
                     "campaign": PAYLOADS[(index + 1) % len(PAYLOADS)]})
    opted_out = _opted_out_contact(state)
    for payload in PAYLOADS:  # suppressed: opted out
        rows.append({"contact_id": opted_out,
                     "planned_at": f"{_local_noon(state, opted_out, 3)}", "team": "marketing",
                     "category": "promotional", "channel": "email", "campaign": payload})
    rows += [  # errors, with the payloads in every raw column
        {"email": "=1+1@x", "planned_at": "-5 days", "team": PAYLOADS[2],
         "category": PAYLOADS[1], "channel": "-email", "campaign": PAYLOADS[0]},
        {"contact_id": PAYLOADS[0], "planned_at": "@now", "team": "marketing",
         "category": "promotional", "channel": "email", "campaign": "Spring\r=1+1\n@x"},
    ]
    result = presend(_write(tmp_path / "plan.csv", rows), tmp_path / "out", db)
    assert len(result.allowed) and len(result.suppressed) and len(result.errors)
    assert len(result.owners_to_notify)
    for name in OUTPUTS:
        cells = _all_cells(tmp_path / "out" / f"{name}.csv")
        assert len(cells) > 1, name
        for line, row in enumerate(cells, start=1):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, line, cell)
    written = {name: pd.read_csv(tmp_path / "out" / f"{name}.csv", keep_default_na=False)
               for name in OUTPUTS}
    campaigns = {*written["allowed"]["campaign"], *written["suppressed"]["campaign"]}
    assert campaigns == {"'" + payload for payload in PAYLOADS}
    assert set(written["owners_to_notify"]["account_name"]) == {"'" + PAYLOADS[0]}
    assert set(written["owners_to_notify"]["owner_name"]) == {"'" + PAYLOADS[1]}
    errors = written["errors"].set_index("row_id")
    last = len(rows)
    assert errors.loc[last - 1, "planned_at"] == "'-5 days"
    assert errors.loc[last - 1, "team"] == "'" + PAYLOADS[2]
    assert errors.loc[last, "contact_id"] == "'" + PAYLOADS[0]
    assert errors.loc[last, "campaign"] == "Spring\r=1+1\n@x"  # one quoted cell
    # the frames returned keep the values as given; only the files are neutralised
    assert set(result.allowed["campaign"]) | set(result.suppressed["campaign"]) == set(PAYLOADS)
    # numbers stay numbers
    assert written["allowed"]["row_id"].dtype.kind == "i"
    assert written["owners_to_notify"]["allowed_message_count"].dtype.kind == "i"


def _write_as(path: Path, rows: list[dict], encoding: str = "utf-8", delimiter: str = ",",
              prefix: str = "") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter,
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([{column: row.get(column, "") for column in COLUMNS} for row in rows])
    path.write_bytes((prefix + buffer.getvalue()).encode(encoding))
    return path


@pytest.fixture(scope="module")
def encoded_plan(state) -> list[dict]:
    """A small plan with allowed and suppressed rows, accented campaign names and
    delimiters inside values."""
    quiet = _quiet_owned_contacts(state, 3)
    contact_id, _, owner_team = quiet[0]
    at = _local_noon(state, contact_id, 2)
    rows = [  # three to one contact in a day: one is over the cap
        {"contact_id": contact_id, "planned_at": f"{at + timedelta(hours=hours)}",
         "team": owner_team, "category": category, "channel": "email",
         "campaign": f"Été {index}; promo, «café» | n°{index}"}
        for index, (hours, category) in enumerate([(0, "promotional"), (1, "sales"),
                                                   (2, "success")])
    ]
    for contact_id, _, owner_team in quiet[1:]:
        rows.append({"contact_id": contact_id,
                     "planned_at": f"{_local_noon(state, contact_id, 4)}",
                     "team": owner_team, "category": "success", "channel": "email",
                     "campaign": "Relance client – résumé"})
    opted_out = _opted_out_contact(state)
    rows.append({"contact_id": opted_out, "planned_at": f"{_local_noon(state, opted_out, 3)}",
                 "team": "marketing", "category": "promotional", "channel": "email",
                 "campaign": "Noël"})
    rows.append({"email": "nobody@unknown-company.example", "planned_at": f"{at}",
                 "team": "marketing", "category": "promotional", "channel": "email",
                 "campaign": "Über"})
    return rows


@pytest.fixture(scope="module")
def plain(state, encoded_plan, module_tmp):
    """The decisions for the plan as a plain UTF-8, comma-separated file."""
    folder = module_tmp / "plain"
    folder.mkdir()
    result = presend(_write_as(folder / "plain.csv", encoded_plan), folder / "out", state.db)
    assert len(result.allowed) and len(result.suppressed) and len(result.errors)
    assert "«café»" in " ".join(result.allowed["campaign"].tolist()
                                + result.suppressed["campaign"].tolist())
    return result


@pytest.mark.parametrize("encoding, delimiter, prefix", [
    ("utf-8-sig", ",", ""),      # UTF-8 with BOM (Excel "CSV UTF-8")
    ("cp1252", ",", ""),         # Latin-1 / Windows-1252 (Excel "CSV" on Windows)
    ("utf-8", ";", ""),          # semicolon (European Excel)
    ("cp1252", ";", ""),
    ("utf-8", "\t", ""),         # tab-separated
    ("utf-8", "|", ""),
    ("utf-16", "\t", ""),        # Excel "Unicode text"
    ("utf-8", ";", "sep=;\r\n"),  # Excel's delimiter hint line
    ("utf-8-sig", ";", "\r\n\r\n"),  # blank lines before the header
], ids=["bom", "cp1252", "semicolon", "cp1252-semicolon", "tab", "pipe", "utf16-tab",
        "sep-hint", "leading-blank-lines"])
def test_encodings_and_delimiters_give_the_same_decisions(state, encoded_plan, plain, tmp_path,
                                                          encoding, delimiter, prefix):
    other = presend(_write_as(tmp_path / "other.csv", encoded_plan, encoding, delimiter,
                              prefix), tmp_path / "other", state.db)
    assert other.input_rows == plain.input_rows == len(encoded_plan)
    for name in ("allowed", "suppressed", "errors", "owners_to_notify"):
        pd.testing.assert_frame_equal(getattr(other, name), getattr(plain, name),
                                      obj=name)
    campaigns = {*other.allowed["campaign"], *other.suppressed["campaign"],
                 *other.errors["campaign"]}
    assert campaigns == {row["campaign"] for row in encoded_plan}


def test_binary_file_is_a_clear_error(state, tmp_path):
    garbage = tmp_path / "planned.csv"
    garbage.write_bytes(random.Random(0).randbytes(4096))
    with pytest.raises(PresendInputError, match="planned.csv: cannot be read as CSV"):
        presend(garbage, tmp_path / "out", state.db)
    assert not (tmp_path / "out").exists()
    # text that decodes but is no planned file: the header found is shown, shortened
    garbage.write_bytes(b"\xe5" * 4096 + b"\n")
    with pytest.raises(PresendInputError) as caught:
        presend(garbage, tmp_path / "out", state.db)
    assert str(caught.value).startswith(f"{garbage}: missing column(s) email")
    assert len(str(caught.value)) < 600


def test_missing_column_is_a_clear_error(state, tmp_path):
    path = tmp_path / "planned.csv"
    path.write_text("email;team;category;channel;campaign\nx@y.io;sales;sales;email;a\n",
                    encoding="utf-8")
    with pytest.raises(PresendInputError) as caught:
        presend(path, tmp_path / "out", state.db)
    message = str(caught.value)
    assert message.startswith(f"{path}: missing column(s) planned_at")
    assert isinstance(caught.value, ValueError)
    path.write_text("planned_at,team,category,channel\n", encoding="utf-8")
    with pytest.raises(PresendInputError, match=r"planned.csv: missing column\(s\) email"):
        presend(path, tmp_path / "out", state.db)


@pytest.mark.parametrize("content", [b"", b"\r\n  \n", b"sep=;\n"], ids=["empty", "blank",
                                                                         "hint-only"])
def test_empty_file_is_a_clear_error(state, tmp_path, content):
    path = tmp_path / "planned.csv"
    path.write_bytes(content)
    with pytest.raises(PresendInputError, match="planned.csv: "):
        presend(path, tmp_path / "out", state.db)


def test_header_only_file_is_an_empty_plan(state, tmp_path):
    path = tmp_path / "planned.csv"
    path.write_bytes("\ufeffemail;contact_id;planned_at;team;category;channel;campaign\r\n"
                     .encode())
    result = presend(path, tmp_path / "out", state.db)
    assert result.input_rows == 0 and result.allowed.empty and result.errors.empty


def test_main_prints_input_errors_without_traceback(state, tmp_path, capsys):
    missing = tmp_path / "nowhere.csv"
    assert presend_main([str(missing), "--out", str(tmp_path / "out"),
                         "--db", str(state.db)]) == 1
    captured = capsys.readouterr()
    assert f"{missing}: cannot be read" in captured.err
    assert "Traceback" not in captured.err
