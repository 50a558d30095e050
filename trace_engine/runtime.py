"""Process-wide tuning for the long-running commands (the API server, bulk loading)."""

from __future__ import annotations

import gc

# Ingest allocates millions of short-lived dicts and lists and creates almost no reference
# cycles, so CPython's default cyclic-GC thresholds (a young collection every 700 net
# allocations) spend a tenth of the CPU of a bulk load on collections that free nothing.
_GC_THRESHOLDS = (100_000, 50, 100)


def tune_gc() -> None:
    """Collect less often, and never rescan what exists at start-up (modules, settings)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)
