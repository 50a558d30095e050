"""Master data and payloads: facilities, product classes and the documents attached to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from api.dependencies import KeyServiceDep, OrgDep, SettingsDep, app_driver
from api.openapi import errors
from trace_engine.masterdata import (
    FacilityPublic,
    FacilityUpdate,
    MasterDataService,
    PayloadCreate,
    PayloadPublic,
    ProductPublic,
    ProductUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["Master data and payloads"])


async def get_masterdata_service(request: Request, settings: SettingsDep) -> MasterDataService:
    """The master-data service on the app's synchronous driver; changes clear the trace cache."""
    cache = request.app.state.trace_service.cache
    return MasterDataService(
        app_driver(request),
        settings.neo4j_database,
        cache.clear,
        request.app.state.enterprise_service,
    )


MasterDataDep = Annotated[MasterDataService, Depends(get_masterdata_service)]

_ERRORS = errors(400, e400="Malformed identifier, or one of the wrong kind")


@router.put(
    "/facilities/{facility_id:path}",
    response_model=FacilityPublic,
    summary="Create or replace a facility's master data",
    responses=_ERRORS,
)
async def put_facility(
    facility_id: str, body: FacilityUpdate, service: MasterDataDep, org: OrgDep
) -> FacilityPublic:
    """The caller's org's name, type and address of a facility, by GLN/SGLN, Digital Link or
    Food Trust URN, and its farm fields of it (`farmerName`, `farmerId`, `phone`,
    `community`, `areaHectares`, `commodity`, `complianceStatus`; with any of them or `type`
    FARM the facility is one of your farms in `GET /api/v1/farms`).

    Stored under the canonical key ingest uses, as this org's own statement: other orgs'
    statements about the same facility are untouched, and the org's traces (and those of the
    orgs it shares with) show it. Fields left out of the body are cleared.
    """
    return await run_in_threadpool(service.put_facility, facility_id, body, org)


@router.put(
    "/products/{product_id:path}",
    response_model=ProductPublic,
    summary="Create or replace a product class's master data",
    responses=_ERRORS,
)
async def put_product(
    product_id: str, body: ProductUpdate, service: MasterDataDep, org: OrgDep
) -> ProductPublic:
    """The caller's org's name and SKU of a product class, by GTIN (EPC idpat, Digital Link)
    or Food Trust URN: this org's own statement, as for facilities."""
    return await run_in_threadpool(service.put_product, product_id, body, org)


@router.post(
    "/payloads",
    status_code=201,
    response_model=PayloadPublic,
    summary="Attach a payload to events, facilities, products or product instances",
    responses=_ERRORS
    | errors(
        404, 409, e404="A target does not exist", e409="The payload id belongs to another org"
    ),
)
async def post_payload(
    body: PayloadCreate, service: MasterDataDep, org: OrgDep, keys: KeyServiceDep
) -> PayloadPublic:
    """Store a payload of the caller's org and a HAS_PAYLOAD relationship from each target.

    Targets: the org's own events; facilities, products and product instances that an event
    or master data of the org (or of an org sharing with it) names. Anything else is 404,
    whether or not another org has it. Idempotent on (org, `id`): posting the same payload
    again stores nothing twice; another org's payload with the same id is another payload.
    The payload shows in traces of its org and of the orgs that org shares with.
    """
    visible = await run_in_threadpool(keys.visible_orgs, org)
    return await run_in_threadpool(service.add_payload, body, org, visible)
