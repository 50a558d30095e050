"""Recall-watch bodies and answers (`/api/v1/watches`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictStr

from trace_engine.kit.bounds import MAX_ID_LENGTH, BoundedDatetime
from trace_engine.kit.inputs import CamelInput

WatchStatus = Literal["active", "failing", "expired"]


class WatchCreate(CamelInput):
    """Body of POST /api/v1/watches."""

    product_id: StrictStr = Field(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="The lot (or serial, or logistic unit) to watch, in any identifier form a "
        "trace accepts: EPC URN, GS1 Digital Link, Food Trust URN",
    )
    dest: StrictStr = Field(
        min_length=1, max_length=2048, description="The http(s) URL each notification is POSTed to"
    )
    signature_token: StrictStr | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        description="Signs each notification: `GS1-Signature` = "
        "Base64(HMAC-SHA256(key = the token, message = the body)); none (or null): unsigned",
    )
    expires_at: BoundedDatetime | None = Field(
        default=None,
        description="When the watch stops (a date-time with an offset, in the future); events "
        "recorded before it are still delivered; none (or null): until deleted",
    )


class FacilityRef(BaseModel):
    """A facility of the trace, as the watcher's org may see it."""

    id: str
    name: str | None = None
    type: str | None = None


class TraceSummary(BaseModel):
    """The watched lot's trace in numbers (every event type, as the watcher may see it)."""

    productId: str  # noqa: N815 (the wire name)
    events: int
    productInstances: int  # noqa: N815
    facilities: int
    stores: int
    facilityList: list[FacilityRef]  # noqa: N815
    storeList: list[FacilityRef]  # noqa: N815


class WatchPublic(BaseModel):
    """A watch as its org sees it: never its token."""

    watchID: str  # noqa: N815
    productId: str  # noqa: N815
    dest: str
    signed: bool
    createdAt: str  # noqa: N815
    expiresAt: str | None = None  # noqa: N815
    status: WatchStatus
    failingSince: str | None = None  # noqa: N815
    lastError: str | None = None  # noqa: N815
    deliveries: int = 0
    lastDeliveredAt: str | None = None  # noqa: N815
    lastEventID: str | None = None  # noqa: N815
    trace: TraceSummary | None = Field(
        default=None, description="The trace summary now (in the answer to POST only)"
    )


class RecallWatchNotification(BaseModel):
    """What a watch POSTs to its `dest` (documented as the route's OpenAPI callback)."""

    context: list[Any] = Field(alias="@context", description="The EPCIS 2.0 JSON-LD context")
    type: Literal["RecallWatchNotification"]
    watchID: str  # noqa: N815
    productId: str = Field(description="As the watch was created with")  # noqa: N815
    sentAt: str  # noqa: N815
    events: list[dict[str, Any]] = Field(
        description="The new events, as captured (EPCIS 2.0 JSON-LD, with recordTime), in "
        "recordTime order"
    )
    trace: TraceSummary
