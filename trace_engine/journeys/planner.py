"""The pure part of journeys (unit-tested): the bulk-upsert plan, the companyType rule, the
totals check and the facet counts."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from trace_engine.identifiers import resolve_key
from trace_engine.journeys.schemas import (
    BulkError,
    Facets,
    FacetValue,
    StageUpsert,
)

# tolerance when checking stored totals against a fresh sum (float addition order differs)
_SUM_TOLERANCE = 1e-9


def field_name(loc: tuple[int | str, ...]) -> str:
    """The camelCase field a pydantic error location names."""
    names = [str(p) for p in loc if isinstance(p, str)]
    return to_camel(names[0]) if names else "body"


def check_company(stage: dict[str, Any]) -> tuple[str, str] | None:
    """(field, reason) if the stage's companyType lacks the id it requires."""
    if stage.get("companyType") == "SUPPLIER" and not stage.get("supplierId"):
        return "supplierId", "required when companyType is SUPPLIER"
    if stage.get("companyType") == "COMPANY" and not stage.get("companyId"):
        return "companyId", "required when companyType is COMPANY"
    return None


def totals_agree(journey: dict[str, Any], stages: list[dict[str, Any]]) -> bool:
    """True if the stored totals are the sums of these stages."""
    distance = math.fsum(s.get("distanceKm") or 0.0 for s in stages)
    co2 = math.fsum(s.get("co2Emissions") or 0.0 for s in stages)
    return math.isclose(
        journey.get("totalDistanceKm") or 0.0, distance, rel_tol=_SUM_TOLERANCE, abs_tol=1e-9
    ) and math.isclose(
        journey.get("totalCo2PerKg") or 0.0, co2, rel_tol=_SUM_TOLERANCE, abs_tol=1e-9
    )


def facet_counts(
    rows: Iterable[dict[str, Any]], client_ids: tuple[str, ...], composition_ids: tuple[str, ...]
) -> tuple[int, Facets]:
    """Total matching journeys and the facets, from (clientId, compositionId, n) rows.

    Each facet counts the journeys that pass the other facet's filter (disjunctive faceting),
    so a client sees how many it would get by adding a value to the facet.
    """
    total = 0
    clients: Counter[str] = Counter()
    compositions: Counter[str] = Counter()
    for row in rows:
        client, composition, n = row.get("clientId"), row.get("compositionId"), int(row["n"])
        client_ok = not client_ids or client in client_ids
        composition_ok = not composition_ids or composition in composition_ids
        if client_ok and composition_ok:
            total += n
        if composition_ok and client is not None:
            clients[client] += n
        if client_ok and composition is not None:
            compositions[composition] += n

    def values(counter: Counter[str]) -> list[FacetValue]:
        ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return [FacetValue(value=v, count=c) for v, c in ordered]

    return total, Facets(client_ids=values(clients), composition_ids=values(compositions))


@dataclass
class UpsertPlan:
    """What a bulk upsert writes (full stage states) and what it refuses."""

    writes: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    errors: list[BulkError] = field(default_factory=list)


def stage_props(base: dict[str, Any], changes: dict[str, Any], now: str) -> dict[str, Any]:
    merged = {**base, **changes, "updatedAt": now}
    merged["supplierKey"] = resolve_key(merged.get("supplierId"), "location")
    merged["companyKey"] = resolve_key(merged.get("companyId"), "location")
    return merged


def plan_upsert(
    journey_id: str,
    org: str,
    user_id: str | None,
    existing: list[dict[str, Any]],
    items: list[dict[str, Any]],
    now: str,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> UpsertPlan:
    """Apply the items in order to the journey's stages: by id, else by sequenceOrder, else new.

    An item that is invalid, names a stage not in this journey, breaks the companyType rule
    or takes a sequenceOrder another stage holds becomes an error with its index and field;
    the others are applied (a later item sees the earlier ones' effect).
    """
    plan = UpsertPlan()
    by_id = {s["id"]: dict(s) for s in existing}
    by_seq = {s["sequenceOrder"]: s["id"] for s in existing}
    written: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(items):
        try:
            item = StageUpsert.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            plan.errors.append(
                BulkError(index=index, field=field_name(first["loc"]), message=first["msg"])
            )
            continue
        changes = given_changes(item)
        stage_id = item.id
        seq = changes.get("sequenceOrder")
        if stage_id is not None and stage_id not in by_id:
            plan.errors.append(
                BulkError(index=index, field="id", message="no such stage in this journey")
            )
            continue
        if stage_id is None and seq is not None and seq in by_seq:
            stage_id = by_seq[seq]
        if stage_id is None:
            if "stageName" not in changes:
                plan.errors.append(
                    BulkError(index=index, field="stageName", message="Field required")
                )
                continue
            if seq is None:
                seq = max(by_seq, default=0) + 1
            base = {
                "id": new_id(),
                "traceabilityId": journey_id,
                "org": org,
                "userId": user_id,
                "distanceKm": 0.0,
                "co2Emissions": 0.0,
                "createdAt": now,
            }
            stage = stage_props(base, {**changes, "sequenceOrder": seq}, now)
        else:
            stage = stage_props(by_id[stage_id], changes, now)
            seq = stage["sequenceOrder"]
            holder = by_seq.get(seq)
            if holder is not None and holder != stage_id:
                plan.errors.append(
                    BulkError(
                        index=index,
                        field="sequenceOrder",
                        message=f"{seq} is already used by stage {holder} of this journey",
                    )
                )
                continue
        problem = check_company(stage)
        if problem is not None:
            plan.errors.append(BulkError(index=index, field=problem[0], message=problem[1]))
            continue
        if stage["id"] in by_id:
            old_seq = by_id[stage["id"]]["sequenceOrder"]
            if by_seq.get(old_seq) == stage["id"]:
                del by_seq[old_seq]
            plan.updated += 1
        else:
            plan.created += 1
        by_id[stage["id"]] = stage
        by_seq[seq] = stage["id"]
        written[stage["id"]] = stage
    plan.writes = list(written.values())
    return plan


def given_changes(model: BaseModel) -> dict[str, Any]:
    """The fields a client gave, camelCase, in stored form (without a stage `id`)."""
    data = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
    data.pop("id", None)
    return data
