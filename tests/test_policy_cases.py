"""The shared policy edge cases (tests/policy_cases.yml) through the Python evaluator, the
registry of rule types covered by them, and the generated dbt unit tests up to date.
The same cases run in SQL as the generated dbt unit tests (`dbt test --select
test_type:unit`, `clearinghouse build --unit-tests`, and the demo warehouse's build in
`make test`)."""

from __future__ import annotations

import pytest
from policy_cases import (
    UNIT_TESTS_PATH,
    WINDOWED_TYPES,
    active_rules,
    checked_rule_ids,
    load_cases,
    model_of,
    python_violations,
    render,
)

from clearinghouse.policy import RULE_TYPES

CASES = load_cases()


def test_generated_unit_tests_are_up_to_date():
    assert UNIT_TESTS_PATH.read_text() == render(CASES), (
        "tests/policy_cases.yml changed: run `python tests/policy_cases.py`"
    )


def test_case_names_are_unique():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case_through_python(case):
    found = python_violations(case)
    expected = {(row["message_id"], row["rule_id"]): row for row in case["expect"]}
    assert set(found) == set(expected)
    types = {row["rule_id"]: row["rule_type"] for row in active_rules(case)}
    for key, row in expected.items():
        violation = found[key]
        if types[key[1]] not in WINDOWED_TYPES:
            continue
        if "messages_in_window" in row:
            assert violation.messages_in_window == row["messages_in_window"], key
        if "message_ids_in_window" in row:
            assert ",".join(violation.message_ids_in_window) == row["message_ids_in_window"], key
        for column in ("window_start", "window_end"):
            if column in row:
                assert f"{getattr(violation, column):%Y-%m-%d %H:%M:%S}" == row[column], key


@pytest.mark.parametrize("rule_type", sorted(RULE_TYPES))
def test_every_rule_type_and_model_has_cases_with_violations(rule_type):
    """Each registry rule type, and each model implementing it, has a case whose expected
    violations include one of its rules."""
    covered = set()
    for case in CASES:
        rules = {row["rule_id"]: row for row in active_rules(case)}
        for row in case["expect"]:
            rule = rules[row["rule_id"]]
            if rule["rule_type"] == rule_type and rule["rule_id"] in checked_rule_ids(case):
                covered.add(model_of(rule))
    assert covered == set(RULE_TYPES[rule_type].models)


def test_cases_pass_as_dbt_unit_tests_in_the_demo_build(demo_warehouse):
    """The SQL side of the same cases: every generated unit test ran, and passed, in the
    demo warehouse's `dbt build` (the other builds of the session leave unit tests out)."""
    import json

    import yaml

    generated = {test["name"] for test in
                 yaml.safe_load(UNIT_TESTS_PATH.read_text())["unit_tests"]}
    results = json.loads((demo_warehouse.db.parent / "target" / "run_results.json").read_text())
    ran = {result["unique_id"].rsplit(".", 1)[-1]: result["status"]
           for result in results["results"] if result["unique_id"].startswith("unit_test.")}
    assert generated and generated <= set(ran), sorted(generated - set(ran))
    assert {name: ran[name] for name in generated} == dict.fromkeys(generated, "pass")
