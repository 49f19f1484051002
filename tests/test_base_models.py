"""Each raw file is read once per build, by its base model (clearinghouse/base_models.py).

- the base model files are what the contract says (one per contract table, nothing else);
- in the demo build, each base model holds every data row of its file (counted here with
  Python's csv module), numbered 1..n in file order, each with one load outcome;
- no other dbt node of the build reads a connector's raw file.
"""

from __future__ import annotations

import csv
import json
import re

from clearinghouse.base_models import model_name, stale
from clearinghouse.contract import load_contract


def test_base_model_files_match_the_contract():
    problems = stale()
    assert not problems, ("base model files differ from the raw contract (run "
                          "`python -m clearinghouse.base_models`):\n" + "\n".join(problems))


def _data_rows(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def test_base_models_hold_every_raw_row_once(demo_warehouse):
    checked = 0
    for system in load_contract().values():
        for table in system.tables:
            path = demo_warehouse.raw / system.name / f"{table}.csv"
            name = model_name(system.name, table)
            rows, first, last, distinct, outcomes = demo_warehouse.query(
                f"select count(*), min(_source_row_number), max(_source_row_number), "
                f"count(distinct _source_row_number), "
                f"count(case when _load_outcome in ('loaded', 'superseded', 'rejected', "
                f"'excluded') then 1 end) from {name}")[0]
            if not path.exists():
                assert rows == 0, f"{name}: rows without a file"
                continue
            expected = len(_data_rows(path))
            assert rows == expected, f"{name}: {rows} rows, the file has {expected}"
            assert (first, last, distinct) == ((1, expected, expected) if expected else
                                               (None, None, 0)), name
            assert outcomes == rows, f"{name}: rows without a load outcome"
            checked += 1
    assert checked >= 20  # the demo company has most contract tables


def test_only_base_models_read_raw_files(demo_warehouse):
    manifest = json.loads((demo_warehouse.db.parent / "target" / "manifest.json").read_text())
    # a read of a file: read_csv('<raw>/...' or read_parquet('<raw>/...' (paths also appear
    # as text, e.g. in rpt_load_reconciliation's file list)
    reads = re.compile(r"read_(csv|parquet)\w*\(\s*'" + re.escape(str(demo_warehouse.raw)))
    readers = {node["name"] for node in manifest["nodes"].values()
               if reads.search(node.get("compiled_code") or "")}
    base = {model_name(system.name, table)
            for system in load_contract().values() for table in system.tables}
    assert readers, "no node read the raw files: the check looks in the wrong place"
    assert readers <= base, f"nodes other than the base models read raw files: {readers - base}"
