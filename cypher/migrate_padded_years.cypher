// Migration "padded-years", run by the schema step once per database. Times with a year below
// 1000 used to be written without the year's zeros ("999-01-01T…Z", trace_engine/kit/
// timestamps.py), which is not ISO 8601 and sorted after "2024-…". Each is padded to four
// digits; a shipment's estimatedShipDate cut from such an eventTime ("999-01-01T") is cut
// again from the padded one. A value once padded no longer matches: a second run changes nothing.

MATCH (e:Event) WHERE e.eventTime =~ '\\d{1,3}-.*'
CALL (e) {
  SET e.eventTime = left('000', 4 - size(split(e.eventTime, '-')[0])) + e.eventTime
} IN TRANSACTIONS OF 10000 ROWS;

MATCH (s:Shipment) WHERE s.shippedAt =~ '\\d{1,3}-.*'
WITH s, left('000', 4 - size(split(s.shippedAt, '-')[0])) + s.shippedAt AS padded
SET s.estimatedShipDate = CASE
      WHEN s.estimatedShipDate = left(s.shippedAt, 10) THEN left(padded, 10)
      ELSE s.estimatedShipDate
    END,
    s.shippedAt = padded;

MATCH (b:Batch) WHERE b.collectedAt =~ '\\d{1,3}-.*'
SET b.collectedAt = left('000', 4 - size(split(b.collectedAt, '-')[0])) + b.collectedAt;

MATCH (p:Payload) WHERE p.time =~ '\\d{1,3}-.*'
SET p.time = left('000', 4 - size(split(p.time, '-')[0])) + p.time;

MATCH (w:Watch) WHERE w.expiresAt =~ '\\d{1,3}-.*'
SET w.expiresAt = left('000', 4 - size(split(w.expiresAt, '-')[0])) + w.expiresAt
