"""Subscription bodies and answers (the bindings' `/queries/{name}/subscriptions`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr


class SubscriptionCreate(BaseModel):
    """Body of POST /epcis/queries/{name}/subscriptions; exactly one of stream and schedule."""

    model_config = ConfigDict(extra="forbid")

    dest: StrictStr = Field(min_length=1, max_length=2048, description="http(s) URL to POST to")
    signatureToken: StrictStr | None = Field(  # noqa: N815 (the wire name)
        default=None, min_length=1, max_length=1024, description="Signs each delivery"
    )
    stream: StrictBool | None = Field(default=None, description="Deliver events as captured")
    schedule: dict[str, Any] | None = Field(
        default=None,
        description="Run at the times matching every given field (query-schedule.json; UTC): "
        "second, minute, hour, dayOfMonth, month, dayOfWeek (1 = Monday), each a number, "
        "[low-high], a comma-separated list of them, or N/step",
        examples=[{"hour": "1", "minute": "5", "second": "0"}],
    )
    reportIfEmpty: StrictBool = Field(  # noqa: N815
        default=False,
        description="Scheduled only: send an empty EPCISQueryDocument when a run matched nothing",
    )
    initialRecordTime: StrictStr | None = Field(  # noqa: N815
        default=None,
        max_length=64,
        description="Deliver events recorded from then on (default: the subscription's creation)",
    )


class Position(BaseModel):
    """The last event delivered."""

    recordTime: str  # noqa: N815
    eventID: str  # noqa: N815


class SubscriptionPublic(BaseModel):
    """A subscription as its org sees it: never its token."""

    subscriptionID: str  # noqa: N815
    queryName: str  # noqa: N815
    dest: str
    stream: bool
    schedule: dict[str, str] | None = None
    signed: bool
    reportIfEmpty: bool  # noqa: N815
    initialRecordTime: str | None  # noqa: N815
    createdAt: str  # noqa: N815
    status: str  # active | failing
    failingSince: str | None = None  # noqa: N815
    lastError: str | None = None  # noqa: N815
    lastDelivered: Position | None = None  # noqa: N815
    lastNotifiedAt: str | None = None  # noqa: N815 (the last 2xx from the receiver)
