"""The policy edge cases, declared once as data (tests/policy_cases.yml), run against both
engines: through clearinghouse.policy in pytest (test_policy_cases.py), and as dbt unit
tests of the governance models generated from the same file:

    python tests/policy_cases.py      # rewrites the generated unit tests

writes models/intermediate/governance/_policy_cases__unit_tests.yml. A test fails when
the generated file is not up to date.

A case: rules (rows of the policy seed), messages (rows of int_core__messages), and as
needed contacts (time zone, opt-out), accounts (owner) and tickets; `expect` lists every
violation of its checked rules (all active rules, or `checked_rules`), with any columns of
fct_cadence_violations. Per case the generator writes:
- one unit test of int_policy__counted_messages: the (message, rule) pairs the SQL counts
  must be those clearinghouse.policy counts (Rule.counts), with the contact's time zone;
- one unit test per model implementing a rule type of the case (from the registry
  seeds/policy_rule_types.csv), given those counted pairs (the checked rules of that model
  and every rule of the other models, as distractors) and its other inputs, expecting the
  case's rows for that model's rules. Window sizes come from the case's rules (vars).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clearinghouse.policy import (  # noqa: E402
    RULE_TYPES,
    Context,
    Message,
    Rule,
    Ticket,
    audit,
    to_us,
)

CASES_PATH = ROOT / "tests" / "policy_cases.yml"
UNIT_TESTS_PATH = (
    ROOT / "models" / "intermediate" / "governance" / "_policy_cases__unit_tests.yml"
)
WINDOWED_TYPES = ("rolling_cap", "cross_team_collision")
RULE_COLUMNS = (
    "rule_id", "rule_type", "scope", "rule_description", "severity", "window_kind",
    "window_days", "window_hours", "max_messages", "min_teams", "counted_categories",
    "exempt_categories", "channels", "quiet_start_hour", "quiet_end_hour", "lookback_days",
    "ticket_priorities", "csat_max_score",
)
# the other inputs each model reads, besides int_policy__counted_messages and
# int_policy__rules (every model reads the pairs with their rule: policy_counted_messages())
MODEL_INPUTS = {
    "int_policy__opted_out_sends": ("int_core__contacts",),
    "int_policy__support_aware": ("int_support__tickets",),
    "int_policy__owner_not_looped": ("int_core__messages", "int_core__accounts"),
}
CASE_TABLES = {
    "int_core__messages": "messages", "int_core__contacts": "contacts",
    "int_core__accounts": "accounts", "int_support__tickets": "tickets",
}


def load_cases(path: Path = CASES_PATH) -> list[dict]:
    return yaml.safe_load(path.read_text())["cases"]


def _time(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def active_rules(case: dict) -> list[dict]:
    return [row for row in case["rules"] if row.get("is_active", True)]


def checked_rule_ids(case: dict) -> set[str]:
    return set(case.get("checked_rules") or [row["rule_id"] for row in active_rules(case)])


def model_of(rule: dict | Rule) -> str:
    """The model that implements a rule (a seed row or a Rule): its registry row's models,
    one per window kind (in the registry's order) when the type has several."""
    def get(name):
        return rule.get(name) if isinstance(rule, dict) else getattr(rule, name)

    rule_type = RULE_TYPES[get("rule_type")]
    if len(rule_type.models) == 1:
        return rule_type.models[0]
    kinds = [kind for kind in ("rolling", "calendar_week") if kind in rule_type.window_kinds]
    return rule_type.models[kinds.index(get("window_kind") or "rolling")]


# -- Python ---------------------------------------------------------------------------

def context_of(case: dict) -> Context:
    context = Context()
    for row in case.get("contacts", []):
        context.contacts[row["contact_id"]] = (
            row.get("time_zone"), _time(row.get("opted_out_at")), bool(row.get("is_opted_out")))
    for row in case.get("accounts", []):
        context.accounts[row["account_id"]] = (row.get("owner_user_id"), row.get("owner_team"))
    for row in case.get("tickets", []):
        context.tickets.setdefault(row["account_id"], []).append(Ticket(
            str(row["ticket_id"]), row.get("priority"), _time(row.get("created_at")),
            _time(row.get("solved_at")), row.get("satisfaction_score"),
            _time(row.get("rated_at"))))
    return context


def messages_of(case: dict) -> list[Message]:
    messages = [
        Message(row["message_id"], row["contact_id"], row.get("account_id"), row.get("team"),
                row["category"], row["channel"], _time(row["sent_at"]), row.get("sender_id"))
        for row in case["messages"] if row.get("sent_at") and row.get("contact_id")
    ]
    return sorted(messages, key=lambda message: (message.sent_at, message.message_id))


def rules_of(case: dict) -> list[Rule]:
    return [Rule.from_row(row) for row in active_rules(case)]


def python_violations(case: dict) -> dict:
    """The case replayed by clearinghouse.policy.audit: (message_id, rule_id) -> Violation,
    for the checked rules."""
    checked = checked_rule_ids(case)
    return {
        (violation.message_id, violation.rule_id): violation
        for violation in audit(messages_of(case), rules_of(case), context_of(case))
        if violation.rule_id in checked
    }


# -- dbt unit tests -------------------------------------------------------------------

class _Row(dict):
    """A fixture row, written on one line."""


def _represent_row(dumper, data):
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Row, _represent_row)


def _text(value):
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else value


def rule_fixture(row: dict) -> _Row:
    """A row of int_policy__rules: as that model parses the seed."""
    parsed = {
        "rule_id": row["rule_id"], "rule_type": row["rule_type"], "scope": row.get("scope"),
        "rule_description": row.get("description", row["rule_id"]),
        "severity": row.get("severity", "low"),
        "window_kind": row.get("window_kind") or "rolling",
        "counted_categories": row.get("counted_categories"),
        "exempt_categories": row.get("exempt_categories") or "",
        "channels": row.get("channels") or "*",
    }
    for name in RULE_COLUMNS:
        parsed.setdefault(name, row.get(name))
    return _Row(parsed)


def counted_fixture(case: dict, rule_rows: list[dict]) -> list[_Row]:
    """The rows of int_policy__counted_messages for these rules, from Rule.counts (the
    pairs alone: the models join the rule's parameters from int_policy__rules)."""
    context = context_of(case)
    rows = []
    for message in messages_of(case):
        for row in rule_rows:
            rule = Rule.from_row(row)
            if not rule.counts(message):
                continue
            us = to_us(message.sent_at)
            rows.append(_Row({
                "rule_id": row["rule_id"],
                "message_id": message.message_id, "contact_id": message.contact_id,
                "account_id": message.account_id, "team": message.team,
                "category": message.category, "channel": message.channel,
                "sender_id": message.sender_id, "sent_at": _text(message.sent_at),
                "scope_key": rule.scope_key(message),
                "time_zone": context.time_zone(message.contact_id),
                "sent_at_us": us,
            }))
    return rows


def _window_vars(rule_rows: list[dict]) -> dict:
    values = {}
    for column in ("window_days", "window_hours"):
        sizes = sorted({int(row[column]) for row in rule_rows if row.get(column) is not None})
        if sizes:
            values[f"policy_{column}_sizes"] = sizes
    return values


def _input(name: str, rows: list) -> dict:
    return {"input": f"ref('{name}')", "rows": [_Row(row) for row in rows]}


def case_unit_tests(case: dict) -> list[dict]:
    rules = active_rules(case)
    checked = checked_rule_ids(case)
    description = " ".join(case.get("description", case["name"]).split())
    tests = [{
        "name": f"case_{case['name']}__counted",
        "description": f"{description} (the messages each rule counts, as clearinghouse.policy "
                       "counts them)",
        "model": "int_policy__counted_messages",
        "given": [
            _input("int_policy__rules", [rule_fixture(row) for row in rules]),
            _input("int_core__messages", case["messages"]),
            _input("int_core__contacts", case.get("contacts", [])),
        ],
        "expect": {"rows": [
            _Row({key: row[key] for key in ("message_id", "rule_id", "scope_key", "time_zone")})
            for row in counted_fixture(case, rules)
        ]},
    }]
    models = sorted({model_of(row) for row in rules if row["rule_id"] in checked})
    for model in models:
        given_rules = [row for row in rules
                       if model_of(row) != model or row["rule_id"] in checked]
        own = {row["rule_id"] for row in given_rules if model_of(row) == model}
        given = [_input("int_policy__counted_messages", counted_fixture(case, given_rules)),
                 _input("int_policy__rules", [rule_fixture(row) for row in given_rules])]
        for name in MODEL_INPUTS.get(model, ()):
            given.append(_input(name, case.get(CASE_TABLES[name], [])))
        test = {
            "name": f"case_{case['name']}__{model.removeprefix('int_policy__')}",
            "description": description,
            "model": model,
        }
        window_vars = _window_vars(given_rules)
        if window_vars:
            test["overrides"] = {"vars": window_vars}
        test["given"] = given
        expected = [_Row(row) for row in case["expect"] if row["rule_id"] in own]
        if len({tuple(row) for row in expected}) > 1:
            raise ValueError(f"case {case['name']}: the expected rows of {model} must list the "
                             "same columns in the same order (dbt compares them by position)")
        test["expect"] = {"rows": expected}
        tests.append(test)
    return tests


def render(cases: list[dict]) -> str:
    tests = [test for case in cases for test in case_unit_tests(case)]
    header = (
        "# GENERATED by tests/policy_cases.py from tests/policy_cases.yml -- do not edit.\n"
        "# Regenerate: python tests/policy_cases.py\n"
    )
    return header + yaml.dump({"version": 2, "unit_tests": tests}, Dumper=_Dumper,
                              sort_keys=False, width=100_000, allow_unicode=True)


def main() -> None:
    UNIT_TESTS_PATH.write_text(render(load_cases()))
    print(f"wrote {UNIT_TESTS_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
