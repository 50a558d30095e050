// The farms behind a shipment: what a logistic unit (SSCC) carried, every lot those were made
// from, and the facilities where those source lots were created (harvested), with the lots.
// shipmentId is the SSCC in any form (EPC URN, Digital Link) or its key.
// :param shipmentId => 'urn:epc:id:sscc:0883456.3000000301'
OPTIONAL MATCH (:Alias {id: $shipmentId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $shipmentId})
WITH coalesce(viaKey, viaAlias) AS unit
MATCH (unit)-[:CONTAINS*1..]->(content:ProductInstance)
MATCH (content)<-[:TRANSFORMED_INTO|CONTAINS*0..]-(source:ProductInstance)
WHERE NOT (source)<-[:TRANSFORMED_INTO]-() AND NOT source.id STARTS WITH '00/'
MATCH (made:Event {eventType: 'ObjectEvent', action: 'ADD'})-[:OBSERVED]->(source)
MATCH (made)-[:AT]->(farm:Facility)
// master data is per org (docs/architecture.md, "Ownership"): the event owner's statement
WITH farm, source, content, head(COLLECT {
  MATCH (d:FacilityData)-[:DESCRIBES]->(farm)
  RETURN d ORDER BY d.org <> made.owner, d.org LIMIT 1
}) AS said
RETURN coalesce(said.name, farm.displayId) AS farm, said.type AS type, said.city AS city,
       collect(DISTINCT source.displayId) AS sourceLots,
       collect(DISTINCT content.displayId) AS inTheShipment
ORDER BY farm
