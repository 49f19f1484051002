"""Marts are the end of the line: no staging or intermediate model reads a mart.

Checked twice, independently: by the singular data test
assert_intermediate_models_never_read_marts in every build, and here from the manifest (a plain
walk of depends_on); the data test must also catch a model that breaks the rule (a copy of the
project with one added)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from clearinghouse.paths import PROJECT_ROOT

TEST = "assert_intermediate_models_never_read_marts"


def _compile(project: Path, target: Path) -> tuple[dict, list[tuple]]:
    """Compile the singular test in `project` (no database: linting mode); return the
    manifest and the rows its compiled SQL yields."""
    from dbt.cli.main import dbtRunner

    previous = os.environ.get("CLEARINGHOUSE_DB")
    os.environ["CLEARINGHOUSE_DB"] = ":memory:"
    try:
        result = dbtRunner().invoke([
            "--quiet", "compile", "--select", TEST, "--project-dir", str(project),
            "--profiles-dir", str(project), "--target-path", str(target),
            "--log-path", str(target / "logs")])
    finally:
        if previous is None:
            os.environ.pop("CLEARINGHOUSE_DB")
        else:
            os.environ["CLEARINGHOUSE_DB"] = previous
    assert result.success, result.exception
    manifest = json.loads((target / "manifest.json").read_text())
    compiled = next(node["compiled_code"] for node in manifest["nodes"].values()
                    if node["name"] == TEST)
    return manifest, duckdb.sql(compiled).fetchall()


def test_no_model_outside_marts_reads_a_mart(demo_warehouse):
    """The demo build's manifest; its build ran the data test too (a failure fails it)."""
    manifest = json.loads((demo_warehouse.db.parent / "target" / "manifest.json").read_text())
    assert any(node["name"] == TEST for node in manifest["nodes"].values())
    models = {uid: node for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model"}
    marts = {uid for uid, node in models.items()
             if node["original_file_path"].startswith("models/marts/")}
    assert len(marts) >= 20
    offending = sorted((node["name"], models[parent]["name"])
                       for uid, node in models.items() if uid not in marts
                       for parent in node["depends_on"]["nodes"] if parent in marts)
    assert offending == []


def test_the_data_test_catches_an_intermediate_model_reading_a_mart(tmp_path):
    project = tmp_path / "project"
    for name in ("models", "macros", "seeds", "data-tests", "analyses"):
        shutil.copytree(PROJECT_ROOT / name, project / name)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    (project / "models/intermediate/core/int_core__reads_a_mart.sql").write_text(
        "select account_id from {{ ref('dim_accounts') }}\n")
    _, rows = _compile(project, tmp_path / "target")
    assert rows == [("int_core__reads_a_mart", "dim_accounts")]
