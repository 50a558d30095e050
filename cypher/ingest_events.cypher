// New events (duplicates were filtered out before). `raw` is the event as received, in
// EPCIS 2.0 JSON-LD form, so GET /epcis/events/{eventID} returns it faithfully.
// rows: [{eventID, eventType, action, bizStep, disposition, eventTime (UTC, ms),
//         eventTimeZoneOffset, recordTime, hash, owner, captureId, raw}]
UNWIND $rows AS row
CREATE (e:Event)
SET e = row
