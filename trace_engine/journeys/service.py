"""Product journeys: a header plus processing stages ordered by sequenceOrder, with totals.

`totalDistanceKm` and `totalCo2PerKg` are the sums of the stages' `distanceKm` and
`co2Emissions`. Every stage-changing transaction first takes the write lock of its journey
(on the journey's JourneyLock node, `cypher/journeys_lock.cypher`), then reads the stages,
validates, writes and recomputes the totals before it commits, so concurrent stage writes on
one journey are serialised and no committed state has totals that disagree with its stages.

Input is accepted in both documents' forms (camelCase or snake_case; ROAD/SEA/RAIL/AIR as
TRUCK/SHIP/TRAIN/PLANE); answers are camelCase with TRUCK/SHIP/TRAIN/PLANE.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import Driver, ManagedTransaction
from pydantic import BaseModel

from trace_engine.errors import Conflict, InvalidInput, NotFound
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.identifiers import resolve_key
from trace_engine.journeys import repository as repo
from trace_engine.journeys.planner import (
    UpsertPlan,
    check_company,
    facet_counts,
    given_changes,
    plan_upsert,
    stage_props,
    totals_agree,
)
from trace_engine.journeys.schemas import (
    BulkResult,
    JourneyCreate,
    JourneyList,
    JourneyPublic,
    JourneyQuery,
    JourneySummary,
    JourneyUpdate,
    PageMeta,
    SortDirection,
    StageBulk,
    StageCreate,
    StagePublic,
    StageUpdate,
)
from trace_engine.kit.metadata import METADATA_REPLACED, metadata_text, metadata_value
from trace_engine.kit.paging import page_count, skip
from trace_engine.kit.timestamps import now_utc

T = TypeVar("T")


def _journey_summary(stored: dict[str, Any]) -> dict[str, Any]:
    data = dict(stored)
    raw = data.pop("metadata", None)
    data["metadata"] = metadata_value(raw)
    data.setdefault("stageCount", 0)
    return data


def _public_stage(stored: dict[str, Any]) -> StagePublic:
    return StagePublic.model_validate(stored)


def _ordered(stages: list[dict[str, Any]]) -> list[StagePublic]:
    return [_public_stage(s) for s in sorted(stages, key=lambda s: s["sequenceOrder"])]


def _journey_changes(model: BaseModel) -> tuple[dict[str, Any], bool]:
    """Stored properties for the given fields and whether the product link must change."""
    data = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
    if "metadata" in data:
        data["metadata"] = metadata_text(data["metadata"]) if data["metadata"] else None
        data |= METADATA_REPLACED
    relink = "productId" in data
    if relink:
        data["productKey"] = resolve_key(data["productId"], "product", instances_as_products=True)
    return data, relink


class JourneyService:
    """Journeys and their stages, strictly per org; each call is one managed transaction."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self.driver.session(database=self.database) as session:
            return write_tx(session, work)

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self.driver.session(database=self.database) as session:
            return read_tx(session, work)

    # -- journeys --------------------------------------------------------------------------

    def create(self, org: str, user_id: str | None, body: JourneyCreate) -> JourneyPublic:
        """A new journey with no stages."""
        now = now_utc()
        props, _ = _journey_changes(body)
        props |= {
            "id": str(uuid.uuid4()),
            "org": org,
            "userId": user_id,
            "totalDistanceKm": 0.0,
            "totalCo2PerKg": 0.0,
            "stageCount": 0,
            "version": 0,
            "createdAt": now,
            "updatedAt": now,
        }
        props.setdefault("productKey", None)
        stored = self._write(lambda tx: repo.create_journey(tx, props))
        return JourneyPublic.model_validate(_journey_summary(stored) | {"processingStages": []})

    def get(self, org: str, journey_id: str) -> JourneyPublic:
        """A journey with its stages in sequenceOrder; NotFound outside the caller's org."""
        journey, stages = self._read_consistent(org, journey_id)
        return JourneyPublic.model_validate(
            _journey_summary(journey) | {"processingStages": _ordered(stages)}
        )

    def stages(self, org: str, journey_id: str) -> list[StagePublic]:
        """A journey's stages in sequenceOrder."""
        _, stages = self._read_consistent(org, journey_id)
        return _ordered(stages)

    def _read_consistent(
        self, org: str, journey_id: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        # Reads are read-committed: a stage write committing while this query walks the
        # stages could pair old totals with new stages. Such a read is simply repeated.
        for _ in range(5):
            found = self._read(lambda tx: repo.get_journey(tx, org, journey_id))
            if found is None:
                raise NotFound("journey", journey_id)
            journey, stages = found
            if totals_agree(journey, stages):
                break
        return journey, stages

    def update(self, org: str, journey_id: str, body: JourneyUpdate) -> JourneyPublic:
        """Change the given header fields."""
        props, relink = _journey_changes(body)
        props["updatedAt"] = now_utc()
        found = self._write(lambda tx: repo.update_journey(tx, org, journey_id, props, relink))
        if not found:
            raise NotFound("journey", journey_id)
        return self.get(org, journey_id)

    def delete(self, org: str, journey_id: str) -> None:
        """Delete a journey and all its stages."""
        if not self._write(lambda tx: repo.delete_journey(tx, org, journey_id)):
            raise NotFound("journey", journey_id)

    def list(self, org: str, q: JourneyQuery) -> JourneyList:
        """A page of the org's journeys with the total and the facets."""
        search = q.search.strip().lower() if q.search and q.search.strip() else None
        params = {
            "org": org,
            "search": search,
            "clientIds": list(q.client_ids) or None,
            "compositionIds": list(q.composition_ids) or None,
            "sortBy": q.sort_by.value,
            "descending": q.sort_direction is SortDirection.DESC,
            "skip": skip(q.page, q.limit),
            "limit": q.limit,
        }

        def work(tx: ManagedTransaction) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return repo.list_journeys(tx, params), repo.journey_facets(tx, org, search)

        page, facet_rows = self._read(work)
        total, facets = facet_counts(facet_rows, q.client_ids, q.composition_ids)
        return JourneyList(
            data=[JourneySummary.model_validate(_journey_summary(j)) for j in page],
            meta=PageMeta(
                page=q.page, limit=q.limit, total=total, total_pages=page_count(total, q.limit)
            ),
            facets=facets,
        )

    # -- stages: lock the journey, read its stages, validate, write, recompute ---------------

    def add_stage(
        self, org: str, user_id: str | None, journey_id: str, body: StageCreate
    ) -> StagePublic:
        """Append a stage (at the next free sequenceOrder unless one is given)."""
        changes = body.model_dump(by_alias=True, mode="json")

        def work(tx: ManagedTransaction) -> dict[str, Any]:
            existing = _locked_stages(tx, org, journey_id)
            now = now_utc()
            seq = changes.get("sequenceOrder")
            taken = {s["sequenceOrder"]: s["id"] for s in existing}
            if seq is None:
                seq = max(taken, default=0) + 1
            elif seq in taken:
                raise Conflict(
                    f"sequenceOrder: {seq} is already used by stage {taken[seq]} of this journey"
                )
            base = {
                "id": str(uuid.uuid4()),
                "traceabilityId": journey_id,
                "org": org,
                "userId": user_id,
                "createdAt": now,
            }
            stage = stage_props(base, {**changes, "sequenceOrder": seq}, now)
            _require_company(stage)
            repo.write_stages(tx, journey_id, [stage])
            repo.recompute_totals(tx, journey_id, now)
            return stage

        return _public_stage(self._write(work))

    def update_stage(self, org: str, stage_id: str, body: StageUpdate) -> StagePublic:
        """Change the given fields of a stage."""
        changes = given_changes(body)

        def work(tx: ManagedTransaction) -> dict[str, Any]:
            journey_id, existing = _locked_stage(tx, org, stage_id)
            now = now_utc()
            current = next(s for s in existing if s["id"] == stage_id)
            stage = stage_props(current, changes, now)
            for other in existing:
                if other["id"] != stage_id and other["sequenceOrder"] == stage["sequenceOrder"]:
                    raise Conflict(
                        f"sequenceOrder: {stage['sequenceOrder']} is already used by stage "
                        f"{other['id']} of this journey"
                    )
            _require_company(stage)
            repo.write_stages(tx, journey_id, [stage])
            repo.recompute_totals(tx, journey_id, now)
            return stage

        return _public_stage(self._write(work))

    def delete_stage(self, org: str, stage_id: str) -> None:
        """Remove a stage and recompute its journey's totals."""

        def work(tx: ManagedTransaction) -> None:
            journey_id, _ = _locked_stage(tx, org, stage_id)
            repo.delete_stage(tx, journey_id, stage_id)
            repo.recompute_totals(tx, journey_id, now_utc())

        self._write(work)

    def bulk_upsert(
        self, org: str, user_id: str | None, journey_id: str, body: StageBulk
    ) -> BulkResult:
        """Create or update many stages in one transaction; invalid ones are listed, not written."""

        def work(tx: ManagedTransaction) -> tuple[UpsertPlan, dict[str, Any]]:
            existing = _locked_stages(tx, org, journey_id)
            now = now_utc()
            plan = plan_upsert(journey_id, org, user_id, existing, body.stages, now)
            if plan.writes:
                repo.write_stages(tx, journey_id, plan.writes)
            totals = repo.recompute_totals(tx, journey_id, now)
            return plan, totals

        plan, totals = self._write(work)
        return BulkResult(
            created=plan.created,
            updated=plan.updated,
            failed=len(plan.errors),
            errors=plan.errors,
            total_distance_km=totals["totalDistanceKm"],
            total_co2_per_kg=totals["totalCo2PerKg"],
        )


def _require_company(stage: dict[str, Any]) -> None:
    problem = check_company(stage)
    if problem is not None:
        raise InvalidInput(*problem)


def _locked_stages(tx: ManagedTransaction, org: str, journey_id: str) -> list[dict[str, Any]]:
    """Take the journey's write lock (NotFound outside the org), then read its stages."""
    if not repo.lock_journey(tx, org, journey_id):
        raise NotFound("journey", journey_id)
    return repo.stages_of(tx, journey_id)


def _locked_stage(
    tx: ManagedTransaction, org: str, stage_id: str
) -> tuple[str, list[dict[str, Any]]]:
    """Lock the journey of a stage; its id and stages (the stage re-checked under the lock)."""
    journey_id = repo.journey_of_stage(tx, org, stage_id)
    if journey_id is None or not repo.lock_journey(tx, org, journey_id):
        raise NotFound("stage", stage_id)
    existing = repo.stages_of(tx, journey_id)
    if not any(s["id"] == stage_id for s in existing):
        raise NotFound("stage", stage_id)  # deleted while this transaction waited
    return journey_id, existing
