"""The query catalog: every Cypher statement lives in `cypher/<name>.cypher`, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

CYPHER_DIR = Path(__file__).resolve().parents[2] / "cypher"


@cache
def query(name: str) -> str:
    """The text of `cypher/<name>.cypher` (a path like `analyst/trace_up` is allowed)."""
    path = CYPHER_DIR / f"{name}.cypher"
    return path.read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The `;`-separated statements of a multi-statement file, without `//` comment lines."""
    lines = [ln for ln in query(name).splitlines() if not ln.lstrip().startswith("//")]
    return [stmt.strip() for stmt in "\n".join(lines).split(";") if stmt.strip()]
