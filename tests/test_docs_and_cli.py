"""`dbt docs generate` works; what the app reads is documented; the CLI runs end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from clearinghouse.build import run_dbt


def test_docs_generate_and_app_models_are_described(demo_warehouse, tmp_path):
    db = tmp_path / "docs.duckdb"
    shutil.copy(demo_warehouse.db, db)
    target = tmp_path / "target"
    run_dbt(["docs", "generate"], db, demo_warehouse.raw, "csv", target)
    assert (target / "catalog.json").is_file() and (target / "index.html").is_file()

    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    exposure = manifest["exposures"]["exposure.clearinghouse.clearinghouse_dashboard"]
    read_by_app = exposure["depends_on"]["nodes"]
    assert len(read_by_app) == 24
    for node_id in read_by_app:
        node = manifest["nodes"][node_id]
        assert node["description"].strip(), f"{node_id} has no description"
        built_columns = set(catalog["nodes"][node_id]["columns"])
        documented = {name for name, column in node["columns"].items()
                      if column["description"].strip()}
        assert built_columns <= documented, f"{node_id}: undocumented {built_columns - documented}"


def test_cli_generate_and_build(tmp_path):
    raw, truth, db = tmp_path / "raw", tmp_path / "truth", tmp_path / "w.duckdb"
    cli = [sys.executable, "-m", "clearinghouse.cli"]
    generated = subprocess.run(
        [*cli, "generate", "--scale", "demo", "--seed", "3", "--out", str(raw),
         "--truth", str(truth), "--quiet"],
        capture_output=True, text=True, check=True,
    )
    assert "salesforce/contact" in generated.stdout  # rows written per table
    # the CLI's own path (arguments, messages, exit codes); the full build is build()'s,
    # which the session's warehouses run
    built = subprocess.run([*cli, "build", "--raw", str(raw), "--db", str(db),
                            "--select", "+dim_contacts"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    assert db.is_file() and f"built {db}" in built.stdout

    failed = subprocess.run([*cli, "build", "--raw", str(tmp_path / "nowhere"), "--db", str(db)],
                            capture_output=True, text=True)
    assert failed.returncode == 1
    assert "raw exports folder not found" in failed.stderr and "unchanged" in failed.stderr
