"""Reads run in read transactions, writes in write transactions, everywhere.

Three checks without a server:
- `WRITES` (the catalog's list of writing statements) matches what each Cypher file does;
- no code outside `trace_engine/graph/access.py` opens a managed transaction itself, and every
  `execute_query` routes its statement by its access mode;
- every `read_tx` runs a transaction function whose statements (followed through the
  functions it calls) only read, and every `write_tx` one that runs at least one writing
  statement (a read-only transaction sent to the leader is a read a cluster could not spread).
tests/integration/test_planner_access_modes.py asks the server's planner the same question as the
first check.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from trace_engine.graph.access import read_tx
from trace_engine.graph.catalog import (
    WRITES,
    Access,
    MisroutedQuery,
    Query,
    access,
    query,
    read_transaction,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("trace_engine", "api")
HELPER = ROOT / "trace_engine" / "graph" / "access.py"

# a clause that changes the graph or the schema (comments are dropped before matching)
WRITING = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH\s+DELETE|REMOVE|DROP|FOREACH|IN\s+TRANSACTIONS)\b",
    re.IGNORECASE,
)

# execute_query calls whose routing differs from the statement's mode, and why
ROUTING_EXCEPTIONS = {
    Query.SCHEMA_AWAIT: "w",  # waits for the indexes the leader just created
}
# auto-commit `session.run` (no managed transaction), and why
AUTO_COMMIT = {
    "trace_engine/graph/schema.py": "CALL { … } IN TRANSACTIONS needs an auto-commit query",
    "trace_engine/local_neo4j.py": "the local server's readiness ping, with no driver retries",
}


def _cypher_writes(text: str) -> bool:
    code = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("//"))
    code = re.sub(r"'[^']*'|\"[^\"]*\"", "''", code)  # no keywords inside string literals
    return bool(WRITING.search(code))


@pytest.mark.parametrize("name", list(Query), ids=lambda q: q.value)
def test_declared_mode_matches_the_cypher(name: Query) -> None:
    writes = _cypher_writes(query(name))
    assert (name in WRITES) == writes, (
        f"{name.value}.cypher {'writes' if writes else 'only reads'}: "
        f"{'add it to' if writes else 'remove it from'} WRITES in trace_engine/graph/catalog.py"
    )
    assert access(name) is (Access.WRITE if writes else Access.READ)


def test_a_writing_statement_inside_a_read_transaction_is_refused() -> None:
    with read_transaction(), pytest.raises(MisroutedQuery, match="records_create.cypher"):
        query(Query.RECORDS_CREATE)
    with read_transaction():
        assert "MATCH" in query(Query.RECORDS_GET)  # reads are fine
    assert "CREATE" in query(Query.RECORDS_CREATE)  # and writes outside a read transaction


class _Session:
    """Stands in for a driver session's `execute_read`: calls the function with no tx."""

    def execute_read(self, work, *args):  # type: ignore[no-untyped-def]
        return work(None, *args)


def test_read_tx_guards_the_function_it_runs() -> None:
    def writes(_tx: object) -> str:
        return query(Query.KEYS_REVOKE)

    def reads(_tx: object) -> str:
        return query(Query.KEYS_LIST)

    with pytest.raises(MisroutedQuery, match="keys_revoke.cypher writes"):
        read_tx(_Session(), writes)  # type: ignore[arg-type]
    assert "MATCH" in read_tx(_Session(), reads)  # type: ignore[arg-type]
    assert "SET" in query(Query.KEYS_REVOKE)  # the guard ends with the transaction


# -- the call sites --------------------------------------------------------------------------


@dataclass
class _Module:
    name: str
    path: Path
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name → dotted target
    defs: dict[str, list[ast.FunctionDef]] = field(default_factory=dict)  # functions
    methods: dict[str, list[ast.FunctionDef]] = field(default_factory=dict)


def _modules() -> dict[str, _Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
            module = _Module(name, path, ast.parse(path.read_text(encoding="utf-8")))
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        module.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        module.imports[alias.asname or alias.name] = alias.name
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef):
                            module.methods.setdefault(item.name, []).append(item)
            methods = {id(d) for defs in module.methods.values() for d in defs}
            for node in ast.walk(module.tree):
                if isinstance(node, ast.FunctionDef) and id(node) not in methods:
                    module.defs.setdefault(node.name, []).append(node)
            found[name] = module
    return found


MODULES = _modules()


def _target(module: _Module, node: ast.expr, line: int) -> list[tuple[_Module, ast.FunctionDef]]:
    """The function definitions `node` (a name or `a.b`) may refer to, from `line`."""
    if isinstance(node, ast.Name):
        local = module.defs.get(node.id, [])
        if local:  # the nearest definition before the use (closures named alike)
            before = [d for d in local if d.lineno <= line] or local
            return [(module, max(before, key=lambda d: d.lineno))]
        dotted = module.imports.get(node.id)
        if dotted and "." in dotted:
            owner, name = dotted.rsplit(".", 1)
            if owner in MODULES:
                return [(MODULES[owner], d) for d in MODULES[owner].defs.get(name, [])]
        return []
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        base = node.value.id
        if base in ("self", "cls"):
            return [(module, d) for d in module.methods.get(node.attr, [])]
        dotted = module.imports.get(base)
        if dotted in MODULES:
            return [(MODULES[dotted], d) for d in MODULES[dotted].defs.get(node.attr, [])]
    return []


def _queries(
    module: _Module, fn: ast.FunctionDef | ast.Lambda, seen: set[int] | None = None
) -> set[Query]:
    """The catalog statements `fn` names, and those of the project functions it uses."""
    seen = set() if seen is None else seen
    if id(fn) in seen:
        return set()
    seen.add(id(fn))
    found: set[Query] = set()
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Query"
            and node.attr in Query.__members__
        ):
            found.add(Query[node.attr])
        elif isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
            for owner, target in _target(module, node, node.lineno):
                if target is not fn:
                    found |= _queries(owner, target, seen)
    return found


def _enclosing(module: _Module, line: int) -> ast.FunctionDef | None:
    """The innermost function of `module` around `line`."""
    around = [
        d
        for table in (module.defs, module.methods)
        for defs in table.values()
        for d in defs
        if d.lineno <= line <= (d.end_lineno or d.lineno)
    ]
    return max(around, key=lambda d: d.lineno, default=None)


def _opening_calls(module: _Module, opener: str) -> list[tuple[ast.Call, list[ast.expr]]]:
    """Calls of `opener` in `module` (also handed to a thread: `to_thread(opener, …)`), with
    the arguments `opener` gets."""
    found = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        parts = [node.func, *node.args]
        for i, part in enumerate(parts):
            name = part.attr if isinstance(part, ast.Attribute) else getattr(part, "id", None)
            if name == opener:
                found.append((node, parts[i + 1 :] if i else list(node.args)))
                break
    return found


def _transactions() -> list[tuple[str, Access, set[Query], str]]:
    """Every transaction opened through read_tx / write_tx, or through a method that hands its
    argument on to them (`self._read(repo.fn, …)`): (where, mode, statements, function)."""
    calls = []
    openers = [
        (m, name, 1, mode)
        for m in MODULES.values()
        if m.path != HELPER
        for name, mode in (("read_tx", Access.READ), ("write_tx", Access.WRITE))
    ]
    while openers:
        module, opener, position, mode = openers.pop()
        for node, args in _opening_calls(module, opener):
            if len(args) <= position:
                continue
            work = args[position]
            where = f"{module.path.relative_to(ROOT)}:{node.lineno}"
            outer = _enclosing(module, node.lineno)
            params = (
                [a.arg for a in outer.args.args if a.arg not in ("self", "cls")] if outer else []
            )
            if isinstance(work, ast.Name) and outer is not None and work.id in params:
                # a pass-through wrapper: its callers name the transaction function
                openers.append((module, outer.name, params.index(work.id), mode))
                continue
            if isinstance(work, ast.Lambda):
                calls.append((where, mode, _queries(module, work), ast.unparse(work)))
                continue
            targets = _target(module, work, node.lineno)
            assert targets, f"{where}: cannot find the transaction function {ast.unparse(work)}"
            queries = set().union(*(_queries(m, d) for m, d in targets))
            calls.append((where, mode, queries, ast.unparse(work)))
    return sorted(calls, key=lambda c: c[0])


TRANSACTIONS = _transactions()


def test_the_audit_sees_the_transactions() -> None:
    # a broken resolver would pass every check below with nothing found
    assert len(TRANSACTIONS) > 50
    assert sum(1 for *_, q, _ in TRANSACTIONS if q) > 0.8 * len(TRANSACTIONS)


@pytest.mark.parametrize(
    ("where", "mode", "queries", "work"), TRANSACTIONS, ids=[t[0] for t in TRANSACTIONS]
)
def test_each_transaction_runs_statements_of_its_mode(
    where: str, mode: Access, queries: set[Query], work: str
) -> None:
    writing = sorted(q.value for q in queries & WRITES)
    if mode is Access.READ:
        assert not writing, f"{where}: read_tx({work}) runs writing statements {writing}"
    elif queries:  # statements chosen at run time are left to the run-time guard
        assert writing, (
            f"{where}: write_tx({work}) only reads ({sorted(q.value for q in queries)}): "
            "use read_tx, which a cluster can route to any member"
        )


def _calls(attr: str) -> list[tuple[_Module, ast.Call]]:
    return [
        (module, node)
        for module in MODULES.values()
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == attr
    ]


def test_transactions_are_opened_only_by_the_helper() -> None:
    direct = [
        f"{m.path.relative_to(ROOT)}:{c.lineno}"
        for attr in ("execute_read", "execute_write", "begin_transaction")
        for m, c in _calls(attr)
        if m.path != HELPER
    ]
    assert direct == [], "use read_tx / write_tx (trace_engine/graph/access.py)"
    references = [
        f"{m.path.relative_to(ROOT)}:{n.lineno}"
        for m in MODULES.values()
        if m.path != HELPER
        for n in ast.walk(m.tree)
        if isinstance(n, ast.Attribute) and n.attr in ("execute_read", "execute_write")
    ]
    assert references == []


def test_auto_commit_queries_only_where_they_are_needed() -> None:
    sessions = {
        str(m.path.relative_to(ROOT))
        for m, c in _calls("run")
        if isinstance(c.func, ast.Attribute)
        and isinstance(c.func.value, ast.Name)
        and c.func.value.id == "session"
    }
    assert sessions <= set(AUTO_COMMIT), sessions - set(AUTO_COMMIT)


def test_execute_query_routes_by_the_statements_mode() -> None:
    checked = 0
    for module, call in _calls("execute_query"):
        first = call.args[0] if call.args else None
        names = [
            Query[n.attr]
            for n in ast.walk(first or ast.Constant(None))
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            if n.value.id == "Query" and n.attr in Query.__members__
        ]
        routing = next((k.value for k in call.keywords if k.arg == "routing_"), None)
        given = (
            routing.value if isinstance(routing, ast.Constant) else ("w" if not routing else "?")
        )
        where = f"{module.path.relative_to(ROOT)}:{call.lineno}"
        for name in names:
            checked += 1
            wanted = ROUTING_EXCEPTIONS.get(name) or ("w" if name in WRITES else "r")
            assert given == wanted, f"{where}: {name.value} routed {given!r}, wants {wanted!r}"
    assert checked >= 5
