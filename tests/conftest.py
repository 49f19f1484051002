"""Shared fixtures: generated raw exports and warehouses built from them, once per session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from shared_warehouses import WAREHOUSES, Warehouse, make, shared

# The heaviest modules first: with two workers, the long ones start at once and the short
# ones fill in around them (pytest-xdist hands out modules in this order).
HEAVY_FIRST = ["test_real_exports", "test_malformed_corpus", "test_build", "test_docs_and_cli",
               "test_presend", "test_calendar"]


@pytest.hookimpl(trylast=True)  # after the tmp_path plugin has set up the temp folder
def pytest_configure(config):
    """The controller of a two-worker run of the whole suite (make test) starts building the
    shared warehouses at once, each in its own process, under the run's temp folder where
    the workers' fixtures look for them (shared_warehouses.py)."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    root = config._tmp_path_factory.getbasetemp()
    script = Path(__file__).with_name("shared_warehouses.py")
    config.stash[_PREBUILDS] = [
        subprocess.Popen([sys.executable, str(script), str(root), name],
                         stdout=(root / f"{name}.log").open("w"), stderr=subprocess.STDOUT)
        for name in WAREHOUSES
    ]


_PREBUILDS = pytest.StashKey[list]()


def pytest_unconfigure(config):
    for process in config.stash.get(_PREBUILDS, []):
        if process.poll() is None:
            process.terminate()


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        module = item.path.stem
        return HEAVY_FIRST.index(module) if module in HEAVY_FIRST else len(HEAVY_FIRST)

    items.sort(key=rank)  # stable: the order within a module is kept


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory, request) -> Iterator[Path]:
    """A folder for one module's fixtures, removed when the module's tests are done.

    The run's temp folder must stay small: a whole run once filled a CI machine's disk (each
    demo build leaves a warehouse and a dbt target of about 100 MB). Test functions' tmp_path
    folders go when the test passes (tmp_path_retention_policy in pyproject.toml)."""
    path = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _warehouse(tmp_path_factory, worker_id: str, name: str) -> Warehouse:
    """Built here when pytest runs alone; with pytest-xdist, in the run's shared temp folder,
    once for every worker."""
    if worker_id == "master":
        return make(tmp_path_factory.mktemp(name), **WAREHOUSES[name])
    return shared(tmp_path_factory.getbasetemp().parent, name)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """Demo-scale exports (seed 7) and the warehouse built from them."""
    return _warehouse(tmp_path_factory, worker_id, "demo")


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """Small-scale exports (10x demo, seed 11) and the warehouse built from them."""
    return _warehouse(tmp_path_factory, worker_id, "small")


@pytest.fixture(scope="session")
def legacy_small_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """The same small company (seed 11) in the older connector layouts (--profile legacy:
    Salesforce's original names, subscription_history, plan, domain_name, Rails time zones,
    HubSpot per-type event tables), as Parquet, and the warehouse built from it."""
    return _warehouse(tmp_path_factory, worker_id, "legacy-small")


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
