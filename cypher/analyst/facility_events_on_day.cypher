// The events at one facility on one day (the facility's local day, from each event's own time
// zone offset), in time order, with what they were about and the quantities.
// facilityId is any form the facility was captured in (SGLN URN, Digital Link) or its key.
// :param facilityId => 'urn:epc:id:sgln:0883456.00100.0'
// :param day => '2024-05-06'
OPTIONAL MATCH (:Alias {id: $facilityId})-[:ALIAS_OF]->(viaAlias:Facility)
OPTIONAL MATCH (viaKey:Facility {id: $facilityId})
WITH coalesce(viaKey, viaAlias) AS facility
MATCH (e:Event)-[:AT|READ_POINT]->(facility)
WITH DISTINCT facility, e,
     datetime({datetime: datetime(e.eventTime), timezone: coalesce(e.eventTimeZoneOffset, 'Z')})
       AS local
WHERE date(local) = date($day)
// master data is per org (docs/architecture.md, "Ownership"): the statement of the event's
// owner about the facility, else of the first org by name
WITH facility, e, local, head(COLLECT {
  MATCH (d:FacilityData)-[:DESCRIBES]->(facility)
  RETURN d ORDER BY d.org <> e.owner, d.org LIMIT 1
}) AS said
OPTIONAL MATCH (e)-[r:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(x)
WITH facility, said, e, local, r, x ORDER BY r.seq
RETURN coalesce(said.name, facility.displayId) AS facility, toString(local) AS localTime, e.eventType AS type,
       e.action AS action, replace(e.bizStep, 'urn:epcglobal:cbv:bizstep:', '') AS step,
       collect(x.displayId + ' (' + type(r) + coalesce(', ' + toString(r.quantity) + ' '
               + coalesce(r.uom, ''), '') + ')') AS what, e.eventID AS eventID
ORDER BY localTime, eventID
