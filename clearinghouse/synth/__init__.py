"""The synthetic-data generator: one B2B SaaS company ("Lumenary") over 18 months.

``generate()`` writes ``<out>/<system>/<table>.<csv|parquet>`` for every table of
``clearinghouse.raw_schema.RAW_TABLES`` (exact contract columns, all values as strings) and
the ground truth the models are scored against into ``<truth>``; a profile
(``clearinghouse.synth.profiles``) can write the same records in the minimal or legacy
connector layouts, and ``systems`` limits the folders written. See docs/generator.md.

Layout: ``run`` (entry point, the chunk loop), ``state`` (the state dataclasses and the
per-stage random generators), ``company`` (staff, support team, prices, campaigns), the chunk
stages ``accounts``, ``people``, ``billing``, ``outreach``, ``support``, ``marketing``,
``fatigue``, the per-system ``writers``, and helpers (``common``, ``sampling``,
``variants``, ``words``, ``profiles``, ``parameters``). Same arguments => byte-identical
files.
"""

from clearinghouse.synth.parameters import SCALES
from clearinghouse.synth.run import generate

__all__ = ["SCALES", "generate"]
