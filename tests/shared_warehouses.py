"""The session's shared warehouses (a helper module of tests/conftest.py, not a test): the
demo company, the small company and the small company in the legacy layouts, each generated
and built once per test run.

Run alone (`python tests/shared_warehouses.py ROOT NAME`), it builds one of them under ROOT:
`make test` runs pytest on two workers, and its controller starts the three builds at once,
in their own processes, as the run begins, so that no worker waits for them one after the
other (tests/conftest.py). A file lock per warehouse makes whoever comes first build it and
everyone else read the same files."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
from filelock import FileLock

# name -> how it is generated and built
WAREHOUSES = {
    "demo": {"scale": "demo", "seed": 7, "unit_tests": True},
    "small": {"scale": "small", "seed": 11},
    "legacy-small": {"scale": "small", "seed": 11, "profile": "legacy", "fmt": "parquet"},
}


@dataclass(frozen=True)
class Warehouse:
    raw: Path
    truth: Path
    db: Path

    @classmethod
    def at(cls, root: Path) -> Warehouse:
        return cls(raw=root / "raw", truth=root / "truth", db=root / "warehouse.duckdb")

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()


def make(root: Path, scale: str, seed: int, profile: str = "full", fmt: str = "csv",
         unit_tests: bool = False) -> Warehouse:
    """Generate the company into root/raw (truth in root/truth) and build root's warehouse."""
    from clearinghouse.build import build
    from clearinghouse.synth import generate

    warehouse = Warehouse.at(root)
    generate(out=warehouse.raw, truth=warehouse.truth, scale=scale, seed=seed, fmt=fmt,
             profile=profile, progress=False)
    build(db_path=warehouse.db, raw=warehouse.raw, fmt=fmt, target_path=root / "target",
          quiet=True, unit_tests=unit_tests)
    return warehouse


def shared(parent: Path, name: str) -> Warehouse:
    """parent/name, built once: the first caller builds it under a file lock, the others
    wait for the lock and read it."""
    root = parent / name
    done = root / "built"
    with FileLock(f"{root}.lock"):
        if not done.exists():
            if root.exists():  # a build that failed half way
                shutil.rmtree(root)
            root.mkdir(parents=True)
            make(root, **WAREHOUSES[name])
            done.touch()
    return Warehouse.at(root)


if __name__ == "__main__":
    shared(Path(sys.argv[1]), sys.argv[2])
