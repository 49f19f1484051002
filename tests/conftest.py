"""Shared fixtures: generated raw exports and warehouses built from them, once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from clearinghouse.build import build
from clearinghouse.generate import generate


@dataclass(frozen=True)
class Warehouse:
    raw: Path
    truth: Path
    db: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()


def _make(root: Path, scale: str, seed: int) -> Warehouse:
    warehouse = Warehouse(raw=root / "raw", truth=root / "truth", db=root / "warehouse.duckdb")
    generate(out=warehouse.raw, truth=warehouse.truth, scale=scale, seed=seed, progress=False)
    build(db_path=warehouse.db, raw=warehouse.raw, target_path=root / "target", quiet=True)
    return warehouse


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Warehouse:
    """Demo-scale exports (seed 7) and the warehouse built from them."""
    return _make(tmp_path_factory.mktemp("demo"), "demo", 7)


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> Warehouse:
    """Small-scale exports (10x demo, seed 11) and the warehouse built from them."""
    return _make(tmp_path_factory.mktemp("small"), "small", 11)
