# Long on purpose: one job (event dict → Event or Rejected), a check per field.
"""One event dict in EPCIS 2.0 JSON-LD form → a validated `Event` or a `Rejected`.

Both parsers (JSON and XML) end here, so validation and normalisation have one code path:

1. CBV URNs in the vocabulary fields (`urn:epcglobal:cbv:bizstep:receiving`, …), which the
   official JSON Schema forbids in JSON, are accepted: the schema is applied to the event with
   those written as the bare words EPCIS 2.0 JSON uses. `raw` keeps the event as received.
2. Schema validation (see `validation`).
3. Normalisation: CBV words and GS1 web URIs (`https://ref.gs1.org/cbv/BizStep-receiving`)
   become CBV URNs, identifiers go through `parse_identifier`, quantities must be numbers,
   eventTime and eventTimeZoneOffset are required and eventTime is turned into UTC.
4. Identity: `event_id` is the eventID, or the CBV 2.0 event hash when there is none (and then
   it is written into `raw["eventID"]` and is also `hash_id`). When an eventID is given,
   `hash_id` is "": the hash costs five times the validation, so it is computed only when it is
   the event's identity (`hashing.event_hash` gives it on demand).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from trace_engine.epcis.hashing import event_hash
from trace_engine.epcis.model import Event, Quantity, Rejected, SourceDest
from trace_engine.epcis.validation import measurement_types, validate_event
from trace_engine.errors import InvalidIdentifier
from trace_engine.identifiers import Identifier, parse_identifier
from trace_engine.kit.bounds import id_too_long
from trace_engine.kit.timestamps import utc_millis as kit_utc_millis

CBV_URN = "urn:epcglobal:cbv:"
CBV_WEB = "https://ref.gs1.org/cbv/"
MDA_URN = "urn:epcglobal:cbv:mda:"

# field kind → (URN prefix, web vocabulary prefix)
VOCABULARIES = {
    "bizstep": ("urn:epcglobal:cbv:bizstep:", "BizStep-"),
    "disp": ("urn:epcglobal:cbv:disp:", "Disp-"),
    "sdt": ("urn:epcglobal:cbv:sdt:", "SDT-"),
    "btt": ("urn:epcglobal:cbv:btt:", "BTT-"),
    "er": ("urn:epcglobal:cbv:er:", "ER-"),
}

# ILMD / master-data attribute local names → engine lot-data names
LOT_DATE_NAMES = {
    "sellByDate": "sellByDate",
    "itemExpirationDate": "expirationDate",
    "bestBeforeDate": "bestBeforeDate",
    "harvestStartDate": "harvestStartDate",
    "harvestEndDate": "harvestEndDate",
    "firstFreezeDate": "firstFreezeDate",
}

_GS1_VOC = re.compile(r"^(?:gs1:|https?://(?:www\.)?gs1\.org/voc/)(?P<term>.+)$")

_MDA_NAMESPACES = ("urn:epcglobal:cbv:mda", "urn:epcglobal:cbv:mda:", "urn:epcglobal:cbv:mda#")
_OFFSET = re.compile(r"^[+-](?:0\d|1[0-3]):[0-5]\d$|^[+-]14:00$")


def expand_cbv(value: str, kind: str) -> str:
    """A bare CBV word, a `cbv:` CURIE or a GS1 web URI → the CBV URN; other URIs unchanged."""
    urn, web = VOCABULARIES[kind]
    if value.startswith(CBV_WEB + web):
        return urn + value[len(CBV_WEB) + len(web) :]
    if value.startswith("cbv:" + web):
        return urn + value[4 + len(web) :]
    if ":" not in value:
        return urn + value
    return value


# expand_cbv of the vocabulary values events repeat (a few dozen words in a history): one
# look-up instead of three prefix tests an event and field (only validated strings come here)
_expand_cbv = lru_cache(maxsize=4096)(expand_cbv)


def gs1_term(value: Any) -> str | None:
    """`gs1:Temperature` or `https://gs1.org/voc/Temperature` → `Temperature`; else None."""
    match = _GS1_VOC.match(value) if isinstance(value, str) else None
    return match["term"] if match else None


def bare_cbv(value: Any, kind: str) -> Any:
    """A CBV URN → the bare word EPCIS 2.0 JSON uses; anything else unchanged."""
    urn = VOCABULARIES[kind][0]
    if isinstance(value, str) and value.startswith(urn):
        return value[len(urn) :]
    return value


def namespaces_from_context(context: Any) -> dict[str, str]:
    """Prefix → namespace URI from a JSON-LD `@context` (its inline objects of string values)."""
    found: dict[str, str] = {}
    items = context if isinstance(context, list) else [context]
    for item in items:
        if isinstance(item, dict):
            for prefix, uri in item.items():
                if isinstance(uri, str) and not prefix.startswith("@"):
                    found[prefix] = uri
    return found


def mda_local_name(key: str, namespaces: dict[str, str] | None = None) -> str | None:
    """`cbvmda:x`, `urn:epcglobal:cbv:mda:x` or `<prefix bound to the mda namespace>:x` → `x`."""
    if key.startswith(MDA_URN):
        return key[len(MDA_URN) :]
    if key.startswith("urn:epcglobal:cbv:mda#"):
        return key[len("urn:epcglobal:cbv:mda#") :]
    prefix, sep, local = key.partition(":")
    if not sep:
        return None
    if prefix == "cbvmda":
        return local
    if namespaces and namespaces.get(prefix) in _MDA_NAMESPACES:
        return local
    return None


def lot_data_from(
    values: dict[str, Any], namespaces: dict[str, str] | None = None
) -> dict[str, str]:
    """Lot dates among ILMD-style keys, under engine names (expirationDate, sellByDate, …)."""
    out: dict[str, str] = {}
    for key, value in values.items():
        local = mda_local_name(key, namespaces)
        if local in LOT_DATE_NAMES and isinstance(value, str):
            out[LOT_DATE_NAMES[local]] = value
    return out


# the identifiers events repeat, parsed once: raw form → Identifier (a plain dict, emptied when
# full: a look-up costs a third of an lru_cache call's, and events name five identifiers each)
_IDENTIFIERS: dict[str, Identifier] = {}
_IDENTIFIERS_KEPT = 65536
_parse_identifier = parse_identifier.__wrapped__  # (its own cache would keep each one again)


def _identifier(raw: str) -> Identifier:
    found = _IDENTIFIERS.get(raw)
    if found is None:
        found = _parse_identifier(raw)  # raises InvalidIdentifier (not kept)
        if len(_IDENTIFIERS) >= _IDENTIFIERS_KEPT:
            _IDENTIFIERS.clear()
        _IDENTIFIERS[raw] = found
    return found


def clear_identifier_cache() -> None:
    """Forget the identifiers parsed so far (both caches: this module's and
    `parse_identifier`'s), for a process that knows none will recur."""
    _IDENTIFIERS.clear()
    parse_identifier.cache_clear()


class _Reject(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _ident(value: Any, field: str, index: int | None = None, member: str = "") -> Identifier:
    # the field is named `field`, or `field[index]member` for a list's item (the name is
    # formatted only when something is wrong: most identifiers are fine)
    if not isinstance(value, str):
        raise _Reject(_field_name(field, index, member), "must be a string")
    found = _IDENTIFIERS.get(value)
    if found is not None:
        return found
    try:
        return _identifier(value)
    except InvalidIdentifier as exc:
        raise _Reject(_field_name(field, index, member), exc.reason) from None


def _field_name(field: str, index: int | None, member: str) -> str:
    return field if index is None else f"{field}[{index}]{member}"


def _idents(event: dict[str, Any], key: str) -> list[Identifier]:
    values = event.get(key)
    if not values:  # most lists are absent from most events
        return []
    return [_ident(v, key, i) for i, v in enumerate(values)]


def _quantities(event: dict[str, Any], key: str) -> list[Quantity]:
    items = event.get(key)
    if not items:
        return []
    out = []
    for i, item in enumerate(items):
        quantity = item.get("quantity")
        if quantity is not None and (
            isinstance(quantity, bool) or not isinstance(quantity, int | float)
        ):
            raise _Reject(f"{key}[{i}].quantity", "must be a number")
        out.append(
            Quantity(
                epc_class=_ident(item.get("epcClass"), key, i, ".epcClass"),
                quantity=float(quantity) if quantity is not None else None,
                uom=item.get("uom"),
            )
        )
    return out


def _source_dest(event: dict[str, Any], key: str, value_key: str) -> list[SourceDest]:
    return [
        SourceDest(
            type=_expand_cbv(str(item.get("type", "")), "sdt"),
            id=_ident(item.get(value_key), key, i, "." + value_key),
        )
        for i, item in enumerate(event.get(key) or [])
    ]


# an XML Schema dateTime (what the 1.2 XSD's xsd:dateTime and the 2.0 XSD's DateTimeStamp
# accept) or an RFC 3339 date-time (the JSON Schema's format): any number of fraction
# digits, `24:00:00` (the end of the day), the offset optional in 1.2 XML
_DATE_TIME = re.compile(
    r"^(?P<year>-?\d{4,})-(?P<month>\d\d)-(?P<day>\d\d)[Tt](?P<hour>\d\d):(?P<minute>\d\d)"
    r":(?P<second>\d\d)(?:\.(?P<fraction>\d+))?(?P<zone>[Zz]|[+-]\d\d:\d\d)?$"
)


@lru_cache(maxsize=256)
def _zone(offset: str) -> tzinfo | None:
    # a checked ±hh:mm → its fixed-offset time zone (one per offset, not one per event)
    return datetime.fromisoformat("2000-01-01T00:00:00" + offset).tzinfo


# the common form (`2024-04-04T21:42:52.000Z`, `…52+01:00`): upper-case T, an offset, nothing
# around it; anything else (and any value this finds out of range) takes the general path
_PLAIN_DATE_TIME = re.compile(
    r"(\d{4}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)\Z"
)


@lru_cache(maxsize=4096)
def _day_number(date: str) -> int | None:
    # `YYYY-MM-DD` → its proleptic ordinal, None when it is no date
    try:
        return datetime.strptime(date, "%Y-%m-%d").toordinal()
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _day_text(number: int) -> str | None:
    # a proleptic ordinal → `YYYY-MM-DD` (the year in four digits), None outside 0001-9999
    try:
        return datetime.fromordinal(number).date().isoformat()
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=256)
def _offset_minutes(zone: str) -> int | None:
    # `Z` or a ±hh:mm within -14:00..+14:00 → minutes east of UTC; None for any other
    if zone == "Z":
        return 0
    if not _OFFSET.match(zone):
        return None
    minutes = int(zone[1:3]) * 60 + int(zone[4:6])
    return -minutes if zone[0] == "-" else minutes


@lru_cache(maxsize=256)
def _is_offset(value: str) -> bool:
    # an eventTimeZoneOffset is one of a few dozen values: checked once each
    return _OFFSET.match(value) is not None


def _plain_utc_millis(value: str) -> str | None:
    """`utc_millis` of the common form by arithmetic on its fields (a fifth of the general
    path's time: no datetime an event); None when the value needs the general path."""
    match = _PLAIN_DATE_TIME.match(value)
    if match is None:
        return None
    date, hour, minute, second, fraction, zone = match.groups()
    day = _day_number(date)
    shift = _offset_minutes(zone)
    if day is None or shift is None or hour > "23" or minute > "59" or second > "59":
        return None
    if zone == "Z" and fraction is not None and len(fraction) == 3:
        return value  # already in the form returned (`test_event_time_utc`)
    minutes = int(hour) * 60 + int(minute) - shift
    if not 0 <= minutes < 1440:
        days, minutes = divmod(minutes, 1440)
        if (shifted := _day_text(day + days)) is None:
            return None
        date = shifted
    millis = (fraction + "00")[:3] if fraction else "000"
    return f"{date}T{minutes // 60:02d}:{minutes % 60:02d}:{second}.{millis}Z"


def utc_millis(value: str, default_offset: str | None = None) -> str:
    """An XML Schema / RFC 3339 date-time → `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.

    Digits past the millisecond are dropped (the event as sent keeps them). A time without an
    offset (1.2 XML allows it) is read in `default_offset` (the event's eventTimeZoneOffset).
    Raises ValueError naming the problem; years outside 0001-9999 (in UTC) are refused.
    """
    if (plain := _plain_utc_millis(value)) is not None:
        return plain
    return _general_utc_millis(value, default_offset)


def _general_utc_millis(value: str, default_offset: str | None) -> str:
    match = _DATE_TIME.match(value.strip())
    if match is None:
        # anything else ISO 8601 that Python reads (what callers built with isoformat())
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                "not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss[.fff]±hh:mm)"
            ) from None
        if moment.tzinfo is None:
            raise ValueError("has no time zone offset")
        return _format_utc(moment.astimezone(UTC))
    year = int(match["year"])
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is outside 0001-9999, the range stored")
    zone = match["zone"] or default_offset
    if zone is None:
        raise ValueError("has no time zone offset")
    if zone in ("Z", "z"):
        zone = "+00:00"
    if not _OFFSET.match(zone):
        raise ValueError(f"time zone offset {zone} is outside -14:00..+14:00")
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    fraction = match["fraction"] or ""
    end_of_day = hour == 24 and minute == 0 and second == 0 and not fraction.strip("0")
    micro = int((fraction + "000000")[:6])
    try:
        moment = datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            0 if end_of_day else hour,
            minute,
            second,
            micro,
            tzinfo=_zone(zone),
        )
        if end_of_day:
            moment += timedelta(days=1)
        utc = moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, ValueError):
            raise ValueError(str(exc)) from None
        raise ValueError("is outside 0001-9999 in UTC, the range stored") from None
    if not 1 <= utc.year <= 9999:
        raise ValueError("is outside 0001-9999 in UTC, the range stored")
    return _format_utc(utc)


def time_20(value: str, offset: str | None) -> str:
    """An xsd:dateTime (EPCIS 1.2) → the RFC 3339 form EPCIS 2.0 requires, same instant.

    A time without an offset gets `offset` (the event's eventTimeZoneOffset); `24:00:00` becomes
    the next day's `00:00:00`. Anything else (and years outside 0001-9999) is left as it is,
    for validation to name.
    """
    match = _DATE_TIME.match(value.strip())
    if match is None or not 1 <= int(match["year"]) <= 9999:
        return value
    zone = match["zone"] or (offset if offset and _OFFSET.match(offset) else None)
    if zone is None:
        return value
    text = value.strip() if match["zone"] else value.strip() + zone
    if match["hour"] == "24":
        try:
            day = datetime(int(match["year"]), int(match["month"]), int(match["day"]))
            day += timedelta(days=1)
        except (ValueError, OverflowError):
            return value
        fraction = f".{match['fraction']}" if match["fraction"] else ""
        text = f"{day.date().isoformat()}T00:00:00{fraction}{zone}"  # the year in 4 digits
    return text


def _format_utc(moment: datetime) -> str:
    return kit_utc_millis(moment)


_SENSOR_WORDS = measurement_types() | {"ALARM_CONDITION", "ERROR_CONDITION"}


def _gs1_uri_term(value: Any) -> str | None:
    # `https://gs1.org/voc/Temperature` (not the `gs1:` CURIE, which the schema accepts)
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return gs1_term(value)
    return None


def _has_gs1_uri_term(sensors: list[Any]) -> bool:
    return any(
        _gs1_uri_term(report.get(key)) is not None
        for element in sensors
        # (before the schema: any JSON may be here, e.g. `"sensorReport": true`)
        if isinstance(element, dict) and isinstance(element.get("sensorReport"), list)
        for report in element["sensorReport"]
        if isinstance(report, dict)
        for key in ("type", "exception")
    )


def _bare_sensor_terms(element: Any) -> Any:
    if not isinstance(element, dict) or not isinstance(element.get("sensorReport"), list):
        return element
    reports = []
    for report in element["sensorReport"]:
        if isinstance(report, dict):
            report = {
                **report,
                **{
                    # the bare word where the schema lists it, else the CURIE (same IRI)
                    key: term if term in _SENSOR_WORDS else "gs1:" + term
                    for key in ("type", "exception")
                    if (term := _gs1_uri_term(report.get(key))) is not None
                },
            }
        reports.append(report)
    return {**element, "sensorReport": reports}


def _schema_form(event: dict[str, Any]) -> dict[str, Any]:
    # CBV URNs → bare words, only where present, copying only what changes
    changed: dict[str, Any] = {}
    for key, kind in (("bizStep", "bizstep"), ("disposition", "disp")):
        value = event.get(key)
        if isinstance(value, str) and value.startswith(CBV_URN):
            changed[key] = bare_cbv(value, kind)
    for key, kind in (
        ("sourceList", "sdt"),
        ("destinationList", "sdt"),
        ("bizTransactionList", "btt"),
    ):
        items = event.get(key)
        if isinstance(items, list) and any(
            isinstance(it, dict) and str(it.get("type", "")).startswith(CBV_URN) for it in items
        ):
            changed[key] = [
                {**it, "type": bare_cbv(it.get("type"), kind)} if isinstance(it, dict) else it
                for it in items
            ]
    pdisp = event.get("persistentDisposition")
    if isinstance(pdisp, dict):
        changed["persistentDisposition"] = {
            k: [bare_cbv(v, "disp") for v in vs] if isinstance(vs, list) else vs
            for k, vs in pdisp.items()
        }
    sensors = event.get("sensorElementList")
    if isinstance(sensors, list) and _has_gs1_uri_term(sensors):
        changed["sensorElementList"] = [_bare_sensor_terms(element) for element in sensors]
    error = event.get("errorDeclaration")
    if isinstance(error, dict) and str(error.get("reason", "")).startswith(CBV_URN):
        changed["errorDeclaration"] = {**error, "reason": bare_cbv(error["reason"], "er")}
    return {**event, **changed} if changed else event


def normalise_event(
    index: int, event: Any, context: Any = None, *, owned: bool = False
) -> Event | Rejected:
    """Validate and normalise one JSON-LD event dict found at `index` of its document.

    `Event.raw` is a copy of `event`, unless the caller hands the dict over (`owned`: nothing
    else holds it, as a parse worker's events read from a file) and it has an eventID (an
    event without one gets its hash added to `raw`: always a copy)."""
    if not isinstance(event, dict):
        return Rejected(index, None, "event", "must be a JSON object")
    given_id = event.get("eventID")
    event_id = given_id if isinstance(given_id, str) else None
    try:
        return _normalise(event, event_id, context, owned and event_id is not None)
    except _Reject as rejected:
        return Rejected(index, event_id, rejected.field, rejected.reason)


def _normalise(event: dict[str, Any], event_id: str | None, context: Any, keep: bool) -> Event:
    if event_id is not None and (too_long := id_too_long(event_id)) is not None:
        raise _Reject("eventID", too_long)
    for key in ("eventTime", "eventTimeZoneOffset"):
        if key not in event:
            raise _Reject(key, "is required")
    event_time = event["eventTime"]
    offset = event["eventTimeZoneOffset"]
    if not isinstance(offset, str) or not _is_offset(offset):
        raise _Reject("eventTimeZoneOffset", "must be ±hh:mm, from -14:00 to +14:00")
    if not isinstance(event_time, str):
        raise _Reject("eventTime", "must be a date-time string")
    try:
        # before the schema, whose date-time format says less about what is wrong
        event_time_utc = utc_millis(event_time, offset)
    except ValueError as exc:
        raise _Reject("eventTime", f"{event_time!r}: {exc}") from None
    problem = validate_event(_schema_form(event))
    if problem is not None:
        raise _Reject(*problem)

    namespaces = namespaces_from_context(context)
    if "@context" in event:
        namespaces.update(namespaces_from_context(event["@context"]))

    read_point = event.get("readPoint")
    biz_location = event.get("bizLocation")
    ilmd = event.get("ilmd") or {}
    # the fields in Event's order, positionally (a third of the construction's time went to
    # matching 27 keywords); each list read only where the event has it (most lists are
    # absent from most events), in the order the checks that may reject the event run
    parsed = Event(
        "",  # event_id
        event["type"],
        event_time,
        event_time_utc,
        offset,
        "",  # hash_id
        event if keep else dict(event),  # raw
        event.get("action"),
        event.get("recordTime"),
        _expand_cbv(event["bizStep"], "bizstep") if "bizStep" in event else None,
        _expand_cbv(event["disposition"], "disp") if "disposition" in event else None,
        _ident(read_point.get("id"), "readPoint.id") if read_point else None,
        _ident(biz_location.get("id"), "bizLocation.id") if biz_location else None,
        _idents(event, "childEPCs" if "childEPCs" in event else "epcList"),
        _quantities(event, "childQuantityList" if "childQuantityList" in event else "quantityList"),
        _ident(event["parentID"], "parentID") if "parentID" in event else None,
        _idents(event, "inputEPCList") if "inputEPCList" in event else [],
        _quantities(event, "inputQuantityList") if "inputQuantityList" in event else [],
        _idents(event, "outputEPCList") if "outputEPCList" in event else [],
        _quantities(event, "outputQuantityList") if "outputQuantityList" in event else [],
        event.get("transformationID"),
        _source_dest(event, "sourceList", "source") if "sourceList" in event else [],
        (
            _source_dest(event, "destinationList", "destination")
            if "destinationList" in event
            else []
        ),
        [
            (_expand_cbv(t["type"], "btt") if t.get("type") else "", t["bizTransaction"])
            for t in event.get("bizTransactionList") or ()
        ],
        ilmd,
        lot_data_from(ilmd, namespaces) if ilmd else {},
        namespaces,
    )
    # hashing costs ~0.4 ms an event (5× validation), so only events without an eventID pay it
    if event_id is None:
        parsed.hash_id = event_id = event_hash(event, namespaces)
        parsed.raw["eventID"] = event_id
    parsed.event_id = event_id
    return parsed
