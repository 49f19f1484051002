"""`clearinghouse` command line: generate demo data, build the warehouse, serve the app."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from clearinghouse.paths import PROJECT_ROOT, raw_path, warehouse_path


def _cmd_generate(args: argparse.Namespace) -> int:
    try:
        from clearinghouse.synth import generate
        from clearinghouse.synth.profiles import parse_systems
    except ModuleNotFoundError as error:  # numpy, pyarrow, tqdm: the [demo] extra
        print(f"clearinghouse generate needs the demo extra ({error.name} is missing): "
              "pip install 'clearinghouse[demo]'", file=sys.stderr)
        return 2

    try:
        systems = parse_systems(args.systems)
    except ValueError as error:
        print(f"clearinghouse generate: --systems: {error}", file=sys.stderr)
        return 2
    generate(
        out=args.out,
        truth=args.truth,
        scale=args.scale,
        seed=args.seed,
        fmt=args.format,
        end_date=args.end_date,
        progress=not args.quiet,
        profile=args.profile,
        systems=systems,
    )
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from clearinghouse.build import BuildError, Gate, build

    gate = Gate(max_shrink=args.max_shrink, max_rejected_share=args.max_rejected_share,
                accept_shrink=args.accept_shrink, accept_rejects=args.accept_rejects,
                quality=not args.skip_quality)
    for variable, value in (("CLEARINGHOUSE_MEMORY_LIMIT", args.memory_limit),
                            ("CLEARINGHOUSE_THREADS", args.threads),
                            ("CLEARINGHOUSE_TEMP_DIRECTORY", args.temp_directory)):
        if value is not None:  # profiles.yml reads them
            os.environ[variable] = str(value)
    try:
        result = build(db_path=args.db, raw=args.raw, fmt=args.format, select=args.select,
                       gate=gate, target=args.target, unit_tests=args.unit_tests,
                       incremental=args.incremental)
    except BuildError as error:
        print(f"build failed, {warehouse_path() if not args.db else args.db} unchanged:\n{error}",
              file=sys.stderr)
        return 1
    print(f"built {result.db_path} in {result.seconds:.1f}s ({len(result.results)} dbt nodes, "
          f"{result.mode}; quality checks {result.checks})")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from clearinghouse.inspection import format_report, inspect_raw

    inspection = inspect_raw(Path(args.raw) if args.raw else raw_path(), prefer=args.format)
    print(inspection.to_json() if args.json else format_report(inspection))
    return 0 if inspection.ok else 1


def _cmd_quality(args: argparse.Namespace) -> int:
    from clearinghouse.quality import check_raw, format_report

    report = check_raw(Path(args.raw) if args.raw else raw_path(), fmt=args.format,
                       out=Path(args.out) if args.out else None, max_rows=args.max_rows)
    print(format_report(report))
    return 0 if report.ok else 1


def _cmd_check(args: argparse.Namespace) -> int:
    from clearinghouse.check import CheckError, Thresholds, check_warehouse, format_report

    thresholds = Thresholds(
        max_shrink=args.max_shrink, max_growth=args.max_growth,
        max_mean_change=args.max_mean_change, min_week_share=args.min_week_share,
        warn_after_days=args.warn_after_days, error_after_days=args.error_after_days)
    try:
        report = check_warehouse(
            Path(args.db) if args.db else warehouse_path(),
            previous=Path(args.previous) if args.previous else None, out=Path(args.out),
            as_of=args.as_of, thresholds=thresholds, max_rows=args.max_rows)
    except CheckError as error:
        print(f"clearinghouse check: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    return 0 if report.ok else 1


def _cmd_presend(args: argparse.Namespace) -> int:
    from clearinghouse.presend import PresendInputError, presend

    try:
        presend(Path(args.planned), Path(args.out), Path(args.db) if args.db else None,
                verbose=True)
    except PresendInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from clearinghouse.export import run

    return run(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    db = Path(args.db) if args.db else warehouse_path()
    env = {**os.environ, "CLEARINGHOUSE_DB": str(db.resolve())}
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app" / "streamlit_app.py"),
        "--server.port", str(args.port), "--server.address", args.address,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    print(f"serving {db} on http://{args.address}:{args.port}")
    return subprocess.call(command, env=env)


def _cmd_docs(args: argparse.Namespace) -> int:
    from clearinghouse.build import BuildError, run_dbt

    db = Path(args.db) if args.db else warehouse_path()
    try:
        run_dbt(["docs", "generate"], db, Path(args.raw) if args.raw else raw_path(), args.format)
    except BuildError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"docs written to {PROJECT_ROOT / 'target'} (serve: dbt docs serve --profiles-dir .)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clearinghouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write synthetic raw exports + ground truth")
    generate.add_argument("--scale", choices=["demo", "small", "medium", "large"], default="demo")
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--out", default=str(raw_path()))
    generate.add_argument("--truth", default="data/truth")
    generate.add_argument("--format", choices=["csv", "parquet"], default="csv")
    generate.add_argument("--end-date", default="2026-10-31",
                          help="last day of the simulated history (fixed for reproducibility)")
    generate.add_argument("--quiet", action="store_true",
                          help="no progress bar (rows per table still print)")
    generate.add_argument("--profile", choices=["full", "minimal", "legacy"], default="full",
                          help="file layout: full (every column), minimal (required contract "
                          "columns only) or legacy (older connector layouts)")
    generate.add_argument("--systems", default="salesforce,stripe,hubspot,zendesk",
                          help="comma-separated systems to write (default all four)")
    generate.set_defaults(func=_cmd_generate)

    build = commands.add_parser("build", help="dbt build into a fresh file, swapped in atomically")
    build.add_argument("--db", help="warehouse file (default $CLEARINGHOUSE_DB)")
    build.add_argument("--raw", help="raw exports folder (default $CLEARINGHOUSE_RAW)")
    build.add_argument("--format", choices=["csv", "parquet"], default="csv")
    build.add_argument("--select", help="dbt selection (default: everything)")
    build.add_argument("--target", choices=["dev", "spark"], default="dev",
                       help="profiles.yml target: dev (DuckDB, default) or spark (PySpark "
                       "local mode; --db is then the Spark warehouse directory)")
    build.add_argument("--max-shrink", type=float, default=0.20,
                       help="largest share of rows a core mart (accounts, contacts, messages) "
                       "may lose against the served warehouse (default 0.20)")
    build.add_argument("--max-rejected-share", type=float, default=0.05,
                       help="largest share of a raw file's rows that may be rejected (0.05)")
    build.add_argument("--accept-shrink", action="store_true",
                       help="serve the build even if core marts shrank or a core file is empty")
    build.add_argument("--accept-rejects", action="store_true",
                       help="serve the build even if a raw file has many rejected rows")
    build.add_argument("--skip-quality", action="store_true",
                       help="do not run the raw-export quality checks before the build")
    build.add_argument("--memory-limit", help="DuckDB's memory limit, e.g. 4GB or 50%% "
                       "(default $CLEARINGHOUSE_MEMORY_LIMIT, else 80%% of RAM); beyond it "
                       "DuckDB spills to the temp directory")
    build.add_argument("--threads", type=int, help="DuckDB threads per query (default "
                       "$CLEARINGHOUSE_THREADS, else the machine's cores)")
    build.add_argument("--temp-directory", help="where DuckDB spills (default "
                       "$CLEARINGHOUSE_TEMP_DIRECTORY, else <warehouse file>.tmp)")
    build.add_argument("--incremental", action="store_true",
                       help="copy from the served warehouse the partitions whose inputs have not "
                       "changed (docs/incremental.md); a full build when it was built by another "
                       "version of the project")
    build.add_argument("--unit-tests", action="store_true",
                       help="also run the dbt unit tests (they read fixtures, not the exports: "
                       "`make test` runs them)")
    build.set_defaults(func=_cmd_build)

    inspect = commands.add_parser(
        "inspect", help="check a folder of raw exports against the contract: tables, columns, "
        "layouts, rows, and which features will be active, degraded or off")
    inspect.add_argument("raw", nargs="?", help="raw exports folder (default $CLEARINGHOUSE_RAW)")
    inspect.add_argument("--json", action="store_true", help="machine-readable output")
    inspect.add_argument("--format", choices=["csv", "parquet"], default="csv",
                         help="preferred format when a table has both files")
    inspect.set_defaults(func=_cmd_inspect)

    quality = commands.add_parser(
        "quality", help="check raw exports with Great Expectations before a build")
    quality.add_argument("--raw", help="raw exports folder (default $CLEARINGHOUSE_RAW)")
    quality.add_argument("--format", choices=["csv", "parquet"], default="csv")
    quality.add_argument("--out", help="write quality_report.json and .md here")
    quality.add_argument("--max-rows", type=int, default=500_000,
                         help="check a repeatable sample of bigger tables")
    quality.set_defaults(func=_cmd_quality)

    check = commands.add_parser(
        "check", help="check the built warehouse's marts with Great Expectations after a build "
        "(row counts, distributions, formats, references, freshness)")
    check.add_argument("--db", help="warehouse file (default $CLEARINGHOUSE_DB), read-only")
    check.add_argument("--previous", help="warehouse file of the previous build: compare row "
                       "counts and mean MRR with it")
    check.add_argument("--out", default="warehouse/check",
                       help="folder for check_report.json and data_docs/ (default "
                       "warehouse/check)")
    check.add_argument("--as-of", help="reference time of freshness, ISO date or time "
                       "(default now, UTC)")
    check.add_argument("--warn-after-days", type=float, default=7.0,
                       help="warn when the newest message is older than this (default 7)")
    check.add_argument("--error-after-days", type=float, default=30.0,
                       help="fail when the newest message is older than this (default 30)")
    check.add_argument("--max-shrink", type=float, default=0.20,
                       help="largest share of the previous build's rows a mart may lose (0.20)")
    check.add_argument("--max-growth", type=float, default=3.0,
                       help="largest growth of a mart over the previous build (3.0 = +300%%)")
    check.add_argument("--max-mean-change", type=float, default=0.5,
                       help="largest change of mean current_mrr vs the previous build (0.5)")
    check.add_argument("--min-week-share", type=float, default=0.2,
                       help="warn when the latest complete week has fewer messages than this "
                       "share of the median week (0.2)")
    check.add_argument("--max-rows", type=int, default=500_000,
                       help="validate a repeatable sample of bigger tables")
    check.set_defaults(func=_cmd_check)

    presend = commands.add_parser(
        "presend", help="check a planned campaign against the policy before sending")
    presend.add_argument("planned", help="CSV: email|contact_id, planned_at, team, category, "
                         "channel, campaign")
    presend.add_argument("--out", required=True, help="folder for allowed/suppressed/"
                         "owners_to_notify/errors CSVs")
    presend.add_argument("--db", help="warehouse file (default $CLEARINGHOUSE_DB)")
    presend.set_defaults(func=_cmd_presend)

    export = commands.add_parser(
        "export", help="export a segment's contacts for marketing, suppressions applied")
    from clearinghouse.export import add_arguments as export_arguments

    export_arguments(export)
    export.set_defaults(func=_cmd_export)

    serve = commands.add_parser("serve", help="serve the Streamlit dashboard")
    serve.add_argument("--db", help="warehouse file (default $CLEARINGHOUSE_DB)")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1",
                       help="interface to listen on (default 127.0.0.1: this machine only; "
                            "0.0.0.0 exposes the dashboard to the network)")
    serve.set_defaults(func=_cmd_serve)

    docs = commands.add_parser("docs", help="dbt docs generate against the built warehouse")
    docs.add_argument("--db")
    docs.add_argument("--raw")
    docs.add_argument("--format", choices=["csv", "parquet"], default="csv")
    docs.set_defaults(func=_cmd_docs)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
