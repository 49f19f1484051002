"""The base models: one per raw contract table, written from the contract.

`models/staging/<system>/base/base_<system>__<table>.sql` holds every row of that raw file
with its load outcome (classified_raw in macros/raw.sql), materialised once per build. The
staging models (loaded_raw) and the row accounting (stg_raw__load_outcomes,
stg_raw__rejected_rows) read it, so each raw file is read, checked and ranked once, however
many models read it (dbt's "base" models: "How we structure our dbt projects").

dbt needs one file per model, and the contract (`models/staging/*/_*__sources.yml`) is
where the tables are declared, so the files are written from it:

    python -m clearinghouse.base_models          # after adding a table to the contract

tests/test_base_models.py checks that the files on disk are what this writes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from clearinghouse.contract import load_contract
from clearinghouse.paths import PROJECT_ROOT

GENERATED = "written from the raw contract by `python -m clearinghouse.base_models`: do not edit"


def model_name(system: str, table: str) -> str:
    return f"base_{system}__{table}"


def render(project_root: Path = PROJECT_ROOT) -> dict[Path, str]:
    """Relative path -> text, for every base model file and each system's YAML."""
    files: dict[Path, str] = {}
    for system in load_contract(project_root).values():
        folder = Path("models") / "staging" / system.name / "base"
        entries = []
        for table in sorted(system.tables):
            name = model_name(system.name, table)
            files[folder / f"{name}.sql"] = (
                f"{{#- {name}: every row of the raw {system.name}.{table} file with its load\n"
                f"    outcome (classified_raw in macros/raw.sql).\n"
                f"    {GENERATED[0].upper()}{GENERATED[1:]}. -#}}\n"
                f"{{{{ classified_raw('{system.name}', '{table}') }}}}\n"
            )
            entries.append(
                f"  - name: {name}\n"
                f"    description: >\n"
                f"      Every row of the raw {system.name}.{table} file of this build (an empty\n"
                f"      relation when the build has none), under the contract's column names, as\n"
                f"      text, with _source_row_number (the row's position in the file) and its\n"
                f"      load outcome, reason and detail (classified_raw in macros/raw.sql). The\n"
                f"      staging models and the row accounting read it: one read of the file.\n"
                f"    data_tests:\n"
                f"      - unique_combination:\n"
                f"          arguments:\n"
                f"            columns: ['_source_row_number']\n"
            )
        files[folder / f"_{system.name}__base_models.yml"] = (
            f"version: 2\n\n# {GENERATED[0].upper()}{GENERATED[1:]}.\nmodels:\n"
            + "".join(entries)
        )
    return files


def stale(project_root: Path = PROJECT_ROOT) -> list[str]:
    """What differs between the base model files on disk and the contract (empty: none)."""
    expected = render(project_root)
    found = {path.relative_to(project_root)
             for path in (project_root / "models" / "staging").glob("*/base/*")}
    problems = [f"{path}: missing" for path in sorted(set(expected) - found)]
    problems += [f"{path}: not in the contract" for path in sorted(found - set(expected))]
    problems += [f"{path}: out of date" for path in sorted(set(expected) & found)
                 if (project_root / path).read_text() != expected[path]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the files on disk are up to date")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    expected = render()
    for path in (PROJECT_ROOT / "models" / "staging").glob("*/base/*"):
        if path.relative_to(PROJECT_ROOT) not in expected:
            path.unlink()
    for path, text in expected.items():
        target = PROJECT_ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    print(f"{len(expected)} base model files up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
