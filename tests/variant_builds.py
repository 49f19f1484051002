"""Build several generated variants of the demo company at once (a helper module of
tests/test_real_exports.py, not a test): each build runs in its own process, two at a time,
since dbt runs one invocation per process and most of a demo build is dbt's own overhead."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def build_one(root: str, generate_args: dict) -> str:
    """Generate the demo company (seed 7) with generate_args into root/raw and build it
    (generate_args["gate"], if given: the build gate's options); return the warehouse
    path, or raise with the build's message."""
    from clearinghouse.build import Gate, build
    from clearinghouse.synth import generate

    base = Path(root)
    raw, db = base / "raw", base / "warehouse.duckdb"
    generate_args = dict(generate_args)
    gate = Gate(**generate_args.pop("gate", {}))
    generate(out=raw, truth=base / "truth", scale="demo", seed=7, progress=False,
             **generate_args)
    build(db_path=db, raw=raw, target_path=base / "target", quiet=True, gate=gate)
    return str(db)


def build_many(root: Path, variants: dict[str, dict], workers: int = 2) -> dict[str, Path]:
    """name -> generate args; returns name -> warehouse path (exceptions re-raised)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {name: pool.submit(build_one, str(root / name), args)
                   for name, args in variants.items()}
        return {name: Path(future.result()) for name, future in futures.items()}
