"""The FSMA 204 service: the sortable spreadsheet and the KDE completeness report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trace_engine.fsma204.completeness import Completeness
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.fsma204.rows import Context, build_rows
from trace_engine.fsma204.scope import Progress, Resolved, Scope, ScopeReader
from trace_engine.fsma204.spreadsheet import Format, Made, write_csv, write_xlsx
from trace_engine.kit.timestamps import now_utc


class Fsma204Service:
    """Resolves a scope with the caller's visibility and writes or counts its CTE records."""

    def __init__(self, repo: Fsma204Repository) -> None:
        self.reader = ScopeReader(repo)

    def resolve(self, scope: Scope, orgs: frozenset[str]) -> Resolved:
        """The scope's instances and events (NotFound when the caller sees none)."""
        return self.reader.resolve(scope, orgs)

    def spreadsheet(
        self,
        resolved: Resolved,
        path: Path,
        fmt: Format,
        org: str,
        progress: Progress | None = None,
    ) -> Made:
        """Write the sortable spreadsheet of `resolved` to `path`."""
        if fmt == "csv":
            return write_csv(path, self.reader, resolved, progress)
        return write_xlsx(
            path, self.reader, resolved, org=org, made_at=now_utc(), progress=progress
        )

    def completeness(self, resolved: Resolved, org: str) -> dict[str, Any]:
        """Per CTE, the share of each required KDE present, and the events lacking one."""
        report = Completeness()
        owners: set[str] = set()
        ctx = Context()
        for scoped in self.reader.events(resolved, ctx):
            if scoped.cte is None:
                continue
            rows = build_rows(scoped.event, scoped.cte, ctx, resolved.in_scope)
            if rows:
                owners.add(scoped.owner)
                report.add(scoped.event, scoped.cte, rows)
        return {
            "asked": resolved.scope.describe(),
            "madeAt": now_utc(),
            "org": org,
            "sharedBy": sorted(owners - {org}),
            **report.json(),
        }
