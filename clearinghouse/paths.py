"""Where things live: the project root and the paths set by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(env: str, default: str) -> Path:
    value = Path(os.environ.get(env, default))
    return value if value.is_absolute() else (Path.cwd() / value).resolve()


def warehouse_path() -> Path:
    """The served DuckDB file: $CLEARINGHOUSE_DB, default warehouse/clearinghouse.duckdb."""
    return _path("CLEARINGHOUSE_DB", "warehouse/clearinghouse.duckdb")


def spark_warehouse_path() -> Path:
    """Where a Spark build writes its tables: $CLEARINGHOUSE_SPARK_WAREHOUSE, default
    warehouse/spark (Parquet under clearinghouse.db/<table>/)."""
    return _path("CLEARINGHOUSE_SPARK_WAREHOUSE", "warehouse/spark")


def raw_path() -> Path:
    """The raw exports folder: $CLEARINGHOUSE_RAW, default data/raw."""
    return _path("CLEARINGHOUSE_RAW", "data/raw")


PLANNED_TEMPLATE = PROJECT_ROOT / "clearinghouse" / "templates" / "planned_sends.csv"


def planned_path() -> Path:
    """Planned sends for the calendar and pre-send check: $CLEARINGHOUSE_PLANNED, else
    data/planned/planned_sends.csv when it exists, else an empty file (header only)."""
    if os.environ.get("CLEARINGHOUSE_PLANNED"):
        return _path("CLEARINGHOUSE_PLANNED", "")
    default = _path("CLEARINGHOUSE_PLANNED", "data/planned/planned_sends.csv")
    return default if default.is_file() else PLANNED_TEMPLATE
