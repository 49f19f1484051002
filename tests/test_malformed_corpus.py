"""The malformed-export corpus (clearinghouse/corpus.py): every case does what it says.

The clean export is the session's demo company (`demo_warehouse`: its raw folder, and its
warehouse as the clean baseline). Each case's expectation was computed by the corpus from
the rows it wrote, not from the project's SQL.

- error cases run `build()` against a copy of the clean warehouse (the served file): the
  exception and message are as expected, the served file is byte-identical afterwards and
  no `*.building*` file is left; the ones that stop before dbt leave no run_results.json;
- loads cases run a selected build (`+rpt_load_reconciliation +audit_rejected_rows`, plus
  the staging models and `+audit_quarantined_records` a case checks; no post-build gate)
  and compare the reconciliation (which must balance for every table), the rejected rows
  per reason, staged values and quarantined records with the expectation;
- shuffled_rows and truncated_half are full builds (the only two in this file).

Speed: loads cases changing different files share one selected build (their files are
combined in one folder; row accounting is per file, so a case's tables are unaffected by the
others, and every table no case of the build changed must equal the clean counts).
CORPUS_ISOLATED=1 builds every case on its own instead (slow; the same assertions).
Selected builds run with DBT_INDIRECT_SELECTION=cautious: with dbt's default (eager), a data
test is selected when any of its parents is, so `+audit_quarantined_records` also selects
tests on unselected models (assert_identity_converged, ...) and fails.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from clearinghouse import corpus
from clearinghouse.build import BuildError, Gate, GateError, build

ROOT = Path(__file__).resolve().parents[1]
BASE_MODELS = ("rpt_load_reconciliation", "audit_rejected_rows")
COUNT_COLUMNS = ("rows_in_file", "rows_loaded", "rows_superseded", "rows_excluded",
                 "rows_rejected", "unknown_enum_values")
MART_PREFIXES = ("dim_", "fct_", "rpt_", "map_", "audit_")
# columns that name where a row came from, not what it holds
IGNORED = {"rpt_load_reconciliation": ("file_path",), "audit_rejected_rows": ("source_row_number",)}
ISOLATED = os.environ.get("CORPUS_ISOLATED") == "1"


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def _cautious():
    old = os.environ.get("DBT_INDIRECT_SELECTION")
    os.environ["DBT_INDIRECT_SELECTION"] = "cautious"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DBT_INDIRECT_SELECTION", None)
        else:
            os.environ["DBT_INDIRECT_SELECTION"] = old


def _selected_build(raw: Path, root: Path, models: list[str], **gate) -> Path:
    db = root / "warehouse.duckdb"
    select = " ".join(f"+{model}" for model in sorted({*BASE_MODELS, *models}))
    with _cautious():
        build(db_path=db, raw=raw, target_path=root / "target", quiet=True, select=select,
              gate=Gate(quality=False, **gate))
    return db


# ---------------------------------------------------------------------------- fixtures
class Corpus:
    """The corpus written from the clean export, and the builds of its loads cases."""

    def __init__(self, clean: Path, baseline: Path, root: Path):
        self.clean, self.baseline, self.root = clean, baseline, root
        self.expected = corpus.make_corpus(clean, root / "cases")
        self.clean_counts = corpus.clean_counts(clean)
        self.changed = {name: corpus.changed_files(clean, self.raw(name)) for name in self.expected}
        self.batches = self._batches()
        self.built: dict[int, Path] = {}

    def raw(self, name: str) -> Path:
        return self.root / "cases" / name / "raw"

    def _batches(self) -> list[list[str]]:
        """Loads cases (and error cases once accepted) grouped so that no two cases of a
        group change the same file; quarantine cases (heavier selection) in groups of their
        own. Cases marked as bugs are built on their own."""
        batches: list[tuple[bool, list[str], set[str]]] = []
        for entry in corpus.CASES:
            expected = self.expected[entry.name]
            loads = expected.kind == "loads" or expected.accept
            if not loads or expected.same_marts or entry.bug or ISOLATED:
                continue
            heavy, files = bool(expected.quarantined), set(self.changed[entry.name])
            for batch_heavy, names, used in batches:
                if batch_heavy == heavy and not used & files:
                    names.append(entry.name)
                    used |= files
                    break
            else:
                batches.append((heavy, [entry.name], files))
        return [names for _, names, _ in batches]

    def db_for(self, name: str) -> tuple[Path, set[str]]:
        """The selected build holding this case, and the files changed in it."""
        index = next((i for i, names in enumerate(self.batches) if name in names), None)
        names = self.batches[index] if index is not None else [name]
        files = {f for n in names for f in self.changed[n]}
        if index is None:
            root = self.root / f"build-{name}"
            expected = self.expected[name]
            return _selected_build(self.raw(name), root, expected.models(),
                                   **expected.accept), files
        if index not in self.built:
            root = self.root / f"batch-{index}"
            raw = root / "raw"
            corpus.link_tree(self.clean, raw)
            for case_name in names:  # each case's files, as the case wrote them
                for rel in self.changed[case_name]:
                    (raw / rel).unlink(missing_ok=True)
                    if (self.raw(case_name) / rel).exists():
                        corpus.link_or_copy(self.raw(case_name) / rel, raw / rel)
            models = [m for n in names for m in self.expected[n].models()]
            # an accepted case's gate option (accept_shrink: an empty core file may load)
            # only lifts that case's check
            accept = {k: v for n in names for k, v in self.expected[n].accept.items()}
            self.built[index] = _selected_build(raw, root, models, **accept)
        return self.built[index], files


@pytest.fixture(scope="module")
def cases(demo_warehouse, module_tmp) -> Corpus:
    (module_tmp / "corpus").mkdir()
    return Corpus(demo_warehouse.raw, demo_warehouse.db, module_tmp / "corpus")


@pytest.fixture(scope="module")
def served(demo_warehouse, module_tmp) -> tuple[Path, str]:
    """A copy of the clean warehouse, served: failing builds must leave it as it is."""
    (module_tmp / "served").mkdir()
    path = module_tmp / "served" / "clearinghouse.duckdb"
    shutil.copyfile(demo_warehouse.db, path)
    return path, _sha256(path)


# ---------------------------------------------------------------------------- the checks
def _reconciliation(db: Path) -> dict[str, dict[str, int]]:
    rows = _query(db, f"select source_system || '/' || source_table, {', '.join(COUNT_COLUMNS)} "
                      "from rpt_load_reconciliation")
    return {row[0]: dict(zip(COUNT_COLUMNS, row[1:], strict=True)) for row in rows}


def _set_aside(db: Path) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for table, outcome, reason, rows in _query(
            db, "select source_system || '/' || source_table, load_outcome, load_reason, "
                "count(*) from audit_rejected_rows group by all"):
        found.setdefault(table, {})[f"{outcome}:{reason}"] = rows
    return found


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _quarantined(db: Path, table: str) -> list[list[str | None]]:
    system, name = table.split("/")
    rows = _query(db, "select reason, source_record_id, detail from audit_quarantined_records "
                      "where source_system = ? and source_table = ?", [system, name])
    return sorted([list(row) for row in rows], key=str)


def _check_loads(db: Path, expected: corpus.Expected, cases: Corpus, changed: set[str]) -> None:
    unbalanced = _query(db, "select source_system, source_table from rpt_load_reconciliation "
                            "where rows_in_file <> rows_loaded + rows_superseded + rows_excluded "
                            "+ rows_rejected")
    assert unbalanced == [], "the reconciliation must balance for every table"
    reconciliation, set_aside = _reconciliation(db), _set_aside(db)
    for table, want in expected.tables.items():
        assert reconciliation.get(table) == want, table
        assert set_aside.get(table, {}) == expected.reasons.get(table, {}), table
    untouched = {t for t in cases.clean_counts if f"{t}.csv" not in changed}
    for table in untouched:  # nothing leaks into the files this build did not change
        assert reconciliation.get(table) == cases.clean_counts[table], table
        assert table not in set_aside, table
    for entry in expected.staged:
        ids = list(entry["values"])
        rows = _query(db, f"select {entry['id']}, {entry['column']} from {entry['model']} "
                          f"where {entry['id']} in (select unnest(?))", [ids])
        assert {row[0]: _text(row[1]) for row in rows} == entry["values"], entry["model"]
    for table, added in expected.quarantined.items():
        want = sorted(_quarantined(cases.baseline, table) + added, key=str)
        assert _quarantined(db, table) == want, table


def _check_error(raw: Path, expected: corpus.Expected, served: tuple[Path, str],
                 tmp_path: Path) -> None:
    path, digest = served
    raw = raw.resolve()
    target = tmp_path / "target"
    gate = Gate(quality=False) if expected.full_build else Gate()
    with pytest.raises(BuildError) as raised:
        build(db_path=path, raw=raw, target_path=target, quiet=True, gate=gate)
    assert type(raised.value) is {"BuildError": BuildError, "GateError": GateError}[
        expected.error], str(raised.value)
    # "Line: 12" and "line 12" alike
    message = re.sub(r"(?i)\bline:?\s+", "line ", str(raised.value)).lower()
    for part in expected.message:
        assert part.format(raw=raw).lower() in message, f"{part!r} not in {raised.value}"
    assert _sha256(path) == digest, "the served warehouse changed"
    assert list(path.parent.glob(f"{path.name}.building*")) == []
    if not expected.full_build:
        assert not (target / "run_results.json").exists(), "dbt ran"


def _check_marts_equal(db: Path, baseline: Path) -> None:
    marts = [name for (name,) in _query(baseline, "select table_name from information_schema"
                                                  ".tables where table_schema = 'main'")
             if name.startswith(MART_PREFIXES)]
    assert len(marts) >= 20
    differing = [mart for mart in sorted(marts)
                 if _fingerprint(db, mart) != _fingerprint(baseline, mart)]
    assert differing == []


def _fingerprint(db: Path, table: str) -> tuple[int, str]:
    """Row count and an order-independent hash of every row (tests/test_real_exports.py)."""
    ignored = IGNORED.get(table)
    source = f"(select * exclude ({', '.join(ignored)}) from {table})" if ignored else table
    return _query(db, "select count(*), md5(coalesce(string_agg(row_hash, ',' order by "
                      f"row_hash), '')) from (select md5(cast(t as varchar)) as row_hash "
                      f"from {source} as t)")[0]


# ---------------------------------------------------------------------------- the tests
def test_corpus_has_every_case_once():
    names = [entry.name for entry in corpus.CASES]
    assert len(names) >= 25
    assert len(set(names)) == len(names)


def test_clean_files_round_trip(demo_warehouse):
    """The corpus rewrites files exactly as the generator wrote them: a file read and written
    back unchanged is byte-identical, so a case changes only what it means to."""
    for path in sorted(demo_warehouse.raw.glob("*/*.csv")):
        assert corpus.csv_bytes(corpus.read_csv(path)) == path.read_bytes(), path


def test_clean_counts_are_the_clean_build(cases):
    """The corpus's counting rule (one loaded version per record key) gives the clean
    warehouse's reconciliation exactly, and the clean build set nothing aside."""
    assert _reconciliation(cases.baseline) == cases.clean_counts
    assert _set_aside(cases.baseline) == {}


def test_corpus_is_deterministic(cases, tmp_path):
    """Written again, every case (but the two that rewrite the largest files) is the same."""
    chosen = [c for c in corpus.CASES if c.name not in ("shuffled_rows", "truncated_half")]
    again = corpus.make_corpus(cases.clean, tmp_path, chosen)
    for entry in chosen:
        assert again[entry.name] == cases.expected[entry.name], entry.name
        for rel in cases.changed[entry.name]:
            first, second = cases.raw(entry.name) / rel, tmp_path / entry.name / "raw" / rel
            assert first.exists() == second.exists(), rel
            if first.exists():
                assert _sha256(first) == _sha256(second), rel


def test_command_line_writes_the_corpus(demo_warehouse, tmp_path, capsys):
    assert corpus.main([str(demo_warehouse.raw), str(tmp_path), "--case", "bom"]) == 0
    assert "bom" in capsys.readouterr().out
    assert (tmp_path / "bom" / "expected.json").exists()
    assert (tmp_path / "bom" / "raw" / "hubspot" / "contact.csv").read_bytes()[:3] == (
        b"\xef\xbb\xbf")


def test_docs_hold_the_corpus_table():
    text = (ROOT / "docs" / "malformed-corpus.md").read_text()
    assert corpus.markdown_table() in text


def _params():
    for entry in corpus.CASES:
        marks = [pytest.mark.xfail(strict=True, reason=entry.bug)] if entry.bug else []
        yield pytest.param(entry.name, marks=marks, id=entry.name)


@pytest.mark.parametrize("name", list(_params()))
def test_case(name, cases, served, tmp_path):
    expected = cases.expected[name]
    raw = cases.raw(name)
    if expected.kind == "error":
        _check_error(raw, expected, served, tmp_path)
        if expected.accept:  # and with the gate option that accepts it, it loads
            db, changed = cases.db_for(name)
            _check_loads(db, expected, cases, changed)
    elif expected.same_marts:
        db = tmp_path / "warehouse.duckdb"
        build(db_path=db, raw=raw, target_path=tmp_path / "target", quiet=True,
              gate=Gate(quality=False))
        _check_loads(db, expected, cases, set(cases.changed[name]))
        _check_marts_equal(db, cases.baseline)
    else:
        db, changed = cases.db_for(name)
        _check_loads(db, expected, cases, changed)
        if expected.twin:
            _check_twin(db, expected.twin, cases)


def _check_twin(db: Path, twin: dict, cases: Corpus) -> None:
    """The same rows in another order load the same version."""
    other, _ = cases.db_for(twin["case"])
    sql = f"select * from {twin['model']} where {twin['id']} in (select unnest(?)) order by 1"
    mine = _query(db, sql, [twin["ids"]])
    assert len(mine) == len(twin["ids"])
    assert mine == _query(other, sql, [twin["ids"]])
    names = _query(db, f"select {twin['column']} from {twin['model']} "
                       f"where {twin['id']} in (select unnest(?))", [twin["ids"]])
    assert {name for (name,) in names} <= set(twin["candidates"])
