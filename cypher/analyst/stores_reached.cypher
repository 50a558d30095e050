// The stores the lot reached, directly or as an ingredient: the facilities of store scans
// (bizStep stocking or retail_selling) and receipts at facilities typed STORE, of the lot, its
// descendants, or the containers they travelled in. Start of a recall list.
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
MATCH (lot)-[:TRANSFORMED_INTO|CONTAINS*0..]->(d:ProductInstance)
WITH DISTINCT d
OPTIONAL MATCH (carrier:ProductInstance)-[:CONTAINS*1..]->(d)
WITH collect(DISTINCT d) + collect(DISTINCT carrier) AS reached
UNWIND reached AS x
MATCH (e:Event)-[:OBSERVED|CHILD|PARENT|OUTPUT]->(x)
MATCH (e)-[:AT]->(store:Facility)
// master data is per org (docs/architecture.md, "Ownership"): the statement of the event's
// owner about the store, else of the first org by name
WITH e, x, store, head(COLLECT {
  MATCH (d:FacilityData)-[:DESCRIBES]->(store)
  RETURN d ORDER BY d.org <> e.owner, d.org LIMIT 1
}) AS said
WHERE said.type = 'STORE'
   OR e.bizStep IN ['urn:epcglobal:cbv:bizstep:stocking',
                    'urn:epcglobal:cbv:bizstep:retail_selling']
RETURN store.displayId AS store, said.name AS name, said.city AS city,
       min(e.eventTime) AS firstArrived, collect(DISTINCT x.displayId) AS what
ORDER BY firstArrived
