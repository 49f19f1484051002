"""The same marts on Spark as on DuckDB (DESIGN.md, Portability and scale).

Builds one generated company on both engines (DuckDB in this process, dbt-spark's session
method with PySpark local[2] in a child process) and compares every mart: the same rows in
any order, doubles within 1e-9; a failure names each mart that differs and how. Marked
`spark` (skipped by plain `pytest`; `make test-spark` runs it): it needs Java 17 and the
`spark` extra (dbt-spark[session], pyspark). CLEARINGHOUSE_SPARK_TEST_ACCOUNTS sets the
company's size (default 60 accounts, a fifth of --scale demo; the generator fails below
about 60). docs/scaling-out.md has the measured times.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def tiny_raw(tmp_path_factory, monkeypatch_module):
    """A company of CLEARINGHOUSE_SPARK_TEST_ACCOUNTS accounts (the generator's demo scale
    is 300: the scale unit is shrunk for this test only)."""
    import clearinghouse.synth.run as synth_run

    accounts = int(os.environ.get("CLEARINGHOUSE_SPARK_TEST_ACCOUNTS", "60"))
    monkeypatch_module.setattr(synth_run, "ACCOUNTS_PER_UNIT", accounts)
    root = tmp_path_factory.mktemp("spark-raw")
    synth_run.generate(out=root / "raw", truth=root / "truth", scale="demo", seed=42,
                       progress=False)
    return root / "raw"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_spark_builds_the_same_marts_as_duckdb(tiny_raw, tmp_path):
    pytest.importorskip("pyspark")
    pytest.importorskip("dbt.adapters.spark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (17)")
    from clearinghouse.engines import build_both, compare_marts

    started = time.perf_counter()
    seconds = build_both(tiny_raw, tmp_path)
    comparison = compare_marts(tmp_path / "duckdb.duckdb", tmp_path / "spark")
    print(f"\nbuild: duckdb {seconds['duckdb']:.1f}s, spark {seconds['spark']:.1f}s; "
          f"with comparison {time.perf_counter() - started:.1f}s\n{comparison.report()}")
    assert len(comparison.compared) > 30
    assert comparison.equal, comparison.report()
