"""The project's own generic data tests (data-tests/generic/) find what they claim to find.

unique_combination groups the rows by a hash of the columns first and by the columns only
where a hash repeats. Here each of its tests in the demo build, as dbt compiled it, is run
over its model with some of its rows repeated (one of them twice): it must return exactly the
combinations a brute-force count finds repeated, with their counts. Over the model as built
it returns nothing (dbt's build passed).
"""

from __future__ import annotations

import json
import random
from collections import Counter

import duckdb


def _unique_combination_tests(warehouse) -> list[tuple[str, list[str], str]]:
    """(model, columns, compiled SQL) of every unique_combination test of the build."""
    manifest = json.loads((warehouse.db.parent / "target" / "manifest.json").read_text())
    found = []
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and metadata.get("name") == "unique_combination":
            model = manifest["nodes"][node["depends_on"]["nodes"][0]]["name"]
            found.append((model, metadata["kwargs"]["columns"], node["compiled_code"]))
    return found


def test_unique_combination_finds_exactly_the_repeated_combinations(demo_warehouse):
    tests = _unique_combination_tests(demo_warehouse)
    assert len(tests) >= 50, "the build's unique_combination tests were not found"
    catalog = demo_warehouse.db.stem  # the compiled SQL names "<catalog>"."main"."<model>"
    random_ = random.Random(12)
    checked = 0
    with duckdb.connect() as connection:
        connection.execute(f"attach '{demo_warehouse.db}' as built (read_only)")
        connection.execute(f"attach ':memory:' as \"{catalog}\"")
        for model, columns, compiled in tests:
            assert not connection.execute(compiled.replace(f'"{catalog}"', "built")).fetchall(), \
                f"{model}: unique_combination fails on the build dbt passed"
            count = connection.execute(f"select count(*) from built.main.{model}").fetchone()[0]
            if count == 0:
                continue
            # the model again, with some of its rows repeated (one of them twice)
            picked = sorted(random_.sample(range(count), min(count, 3)))
            repeats = picked + picked[:1]
            connection.execute(f'create or replace table "{catalog}".main.{model} as '
                               f"select * from built.main.{model}")
            for position in repeats:
                connection.execute(
                    f'insert into "{catalog}".main.{model} select * from built.main.{model} '
                    f"limit 1 offset {position}")
            column_list = ", ".join(columns)
            rows = connection.execute(
                f'select {column_list} from "{catalog}".main.{model}').fetchall()
            expected = {key: n for key, n in Counter(rows).items() if n > 1}
            found = {tuple(row[:-1]): row[-1] for row in connection.execute(compiled).fetchall()}
            assert found == expected, f"{model} ({column_list}): {found} != {expected}"
            assert expected, f"{model}: the repeated rows did not repeat a combination"
            connection.execute(f'drop table "{catalog}".main.{model}')
            checked += 1
    assert checked >= 50
