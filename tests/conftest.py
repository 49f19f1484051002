"""Shared fixtures: generated raw exports and warehouses built from them, once per session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock
from variant_builds import UNIT_TESTS

from clearinghouse.build import build
from clearinghouse.synth import generate


@dataclass(frozen=True)
class Warehouse:
    raw: Path
    truth: Path
    db: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()


def _make(root: Path, scale: str, seed: int, profile: str = "full",
          fmt: str = "csv", unit_tests: bool = False) -> Warehouse:
    warehouse = Warehouse(raw=root / "raw", truth=root / "truth", db=root / "warehouse.duckdb")
    generate(out=warehouse.raw, truth=warehouse.truth, scale=scale, seed=seed, fmt=fmt,
             profile=profile, progress=False)
    build(db_path=warehouse.db, raw=warehouse.raw, fmt=fmt, target_path=root / "target",
          quiet=True, exclude=None if unit_tests else UNIT_TESTS)
    return warehouse


def _shared(tmp_path_factory, worker_id: str, name: str, **make_args) -> Warehouse:
    """One warehouse per test run: built here when pytest runs alone; with pytest-xdist
    (make test runs two workers) the first worker that needs it builds it under a file lock
    in the run's shared temp folder, and the others read the same files."""
    if worker_id == "master":
        return _make(tmp_path_factory.mktemp(name), **make_args)
    root = tmp_path_factory.getbasetemp().parent / name
    done = root / "built"
    with FileLock(str(root) + ".lock"):
        if not done.exists():
            if root.exists():  # a worker that failed half way
                shutil.rmtree(root)
            root.mkdir()
            _make(root, **make_args)
            done.touch()
    return Warehouse(raw=root / "raw", truth=root / "truth", db=root / "warehouse.duckdb")


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """Demo-scale exports (seed 7) and the warehouse built from them."""
    return _shared(tmp_path_factory, worker_id, "demo", scale="demo", seed=7, unit_tests=True)


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """Small-scale exports (10x demo, seed 11) and the warehouse built from them."""
    return _shared(tmp_path_factory, worker_id, "small", scale="small", seed=11)


@pytest.fixture(scope="session")
def legacy_small_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """The same small company (seed 11) in the older connector layouts (--profile legacy:
    Salesforce's original names, subscription_history, plan, domain_name, Rails time zones,
    HubSpot per-type event tables), as Parquet, and the warehouse built from it."""
    return _shared(tmp_path_factory, worker_id, "legacy-small", scale="small", seed=11,
                   profile="legacy", fmt="parquet")


# The truth-scored tests run on both layouts of the small company.
SMALL_LAYOUTS = pytest.mark.parametrize(
    "small_layout", ["small_warehouse", "legacy_small_warehouse"], ids=["full", "legacy"],
    indirect=True)


@pytest.fixture
def small_layout(request) -> Warehouse:
    return request.getfixturevalue(request.param)


# The data's end (int_core__data_end), brute force: the latest event time of any system.
_DATA_END_TIMES = (
    "select max(sent_at) from int_communications__messages",
    "select max(occurred_at) from stg_hubspot__email_events",
    "select max(created_at), max(updated_at) from stg_zendesk__tickets",
    "select max(created_at) from stg_zendesk__ticket_comments where not is_deleted",
    "select max(created_at), max(completed_at) from stg_salesforce__tasks where not is_deleted",
    "select max(created_at) from stg_stripe__invoices",
    "select max(created_at) from stg_stripe__charges",
    "select max(created_at), max(started_at), max(canceled_at), max(ended_at)"
    " from stg_stripe__subscriptions",
)


def data_end(warehouse: Warehouse) -> datetime:
    times = [time for sql in _DATA_END_TIMES for time in warehouse.query(sql)[0] if time]
    return max(times, default=datetime(1970, 1, 1))
