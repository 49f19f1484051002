"""Read-only access to the Clearinghouse marts.

Rules this module enforces:

* Every query opens a short-lived ``read_only`` DuckDB connection and closes it straight away,
  so no connection outlives a rerun and a rebuild (a fresh file atomically renamed over the
  served one) is picked up on the next query.
* Results are cached per *file signature* (inode, mtime, size): a rebuilt file has a new
  signature, so stale results are never served after a rebuild.
* SQL text is static; values always travel as bound parameters (``?`` or ``$name``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

REPO_ROOT = Path(__file__).resolve().parents[2]
DB_ENV_VAR = "CLEARINGHOUSE_DB"
DEFAULT_DB_PATH = REPO_ROOT / "warehouse" / "clearinghouse.duckdb"

# The marts the dashboard reads; nothing else in the warehouse is touched.
MART_TABLES = (
    "dim_accounts",
    "dim_contacts",
    "fct_communications",
    "fct_cadence_violations",
    "rpt_messages_by_team_week",
    "rpt_violations_by_week",
    "rpt_violation_teams",
)

_MAX_STALE_RETRIES = 3

Signature = tuple[int, int, int]
Params = Sequence[Any] | Mapping[str, Any]


class WarehouseUnavailable(Exception):
    """The warehouse file is missing, incomplete or being replaced; shown to the user as-is."""


class _FileChangedDuringRead(Exception):
    """The file was swapped while a query ran; the result must not be cached."""


def db_path() -> Path:
    """Path of the served DuckDB file.

    ``CLEARINGHOUSE_DB`` wins when set (a relative value is taken relative to the current
    directory, like any command-line path); otherwise ``warehouse/clearinghouse.duckdb``
    under the repository root.
    """
    configured = os.environ.get(DB_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser().absolute()
    return DEFAULT_DB_PATH


def file_signature(path: Path) -> Signature | None:
    """(inode, mtime_ns, size) of the file, or None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def missing_warehouse_message(path: Path) -> str:
    return (
        f"No warehouse found at `{path}`.\n\n"
        "Run `clearinghouse build` to build it (or point the `CLEARINGHOUSE_DB` environment "
        "variable at an existing `clearinghouse.duckdb` file), then reload this page."
    )


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _cached_query(path: str, signature: Signature, sql: str, params: Params) -> pd.DataFrame:
    # ``signature`` is part of the cache key only: a rebuilt file gets fresh results.
    bound = dict(params) if isinstance(params, Mapping) else list(params)
    with duckdb.connect(path, read_only=True) as con:
        frame = con.execute(sql, bound).df()
    if file_signature(Path(path)) != signature:
        # Swapped mid-read: we may hold the new file's rows under the old key. Raising keeps
        # them out of the cache; the caller retries with the new signature.
        raise _FileChangedDuringRead
    return frame


def query(sql: str, params: Params = ()) -> pd.DataFrame:
    """Run one static, parameterised SELECT against the marts and return a DataFrame.

    ``params`` is a sequence for ``?`` placeholders or a mapping for ``$name`` placeholders.
    """
    path = db_path()
    for _ in range(_MAX_STALE_RETRIES):
        signature = file_signature(path)
        if signature is None:
            raise WarehouseUnavailable(missing_warehouse_message(path))
        try:
            frozen = dict(params) if isinstance(params, Mapping) else tuple(params)
            return _cached_query(str(path), signature, sql, frozen)
        except _FileChangedDuringRead:
            continue
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            raise WarehouseUnavailable(
                f"The warehouse at `{path}` does not match the marts this dashboard reads "
                f"({exc}).\n\nRun `clearinghouse build` to rebuild it, then reload this page."
            ) from exc
        except (duckdb.IOException, duckdb.SerializationException) as exc:
            # Not a DuckDB file (yet), locked by a writer, or replaced between stat and open.
            if file_signature(path) != signature:
                continue
            raise WarehouseUnavailable(
                f"The warehouse at `{path}` could not be opened read-only ({exc}).\n\n"
                "If a build is running, wait for it to finish; otherwise run "
                "`clearinghouse build`."
            ) from exc
    raise WarehouseUnavailable(
        f"The warehouse at `{path}` kept changing while it was read. "
        "A build is probably running: reload this page in a moment."
    )


def scalar_row(sql: str, params: Params = ()) -> dict[str, Any]:
    """First row of a query as a dict (empty dict when there is no row)."""
    frame = query(sql, params)
    if frame.empty:
        return {}
    return frame.iloc[0].to_dict()


def check_warehouse(page_tables: Sequence[str] = ()) -> None:
    """Raise WarehouseUnavailable unless the file exists and holds every mart table (the
    common ones of ``MART_TABLES`` and the ones a page reads, ``page_tables``)."""
    required = (*MART_TABLES, *page_tables)
    path = db_path()
    if file_signature(path) is None:
        raise WarehouseUnavailable(missing_warehouse_message(path))
    present = query(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and table_name in (select unnest(?))",
        [list(required)],
    )
    missing = sorted(set(required) - set(present["table_name"]))
    if missing:
        raise WarehouseUnavailable(
            f"The warehouse at `{path}` is missing mart table(s): {', '.join(missing)}.\n\n"
            "Run `clearinghouse build` to rebuild it, then reload this page."
        )
