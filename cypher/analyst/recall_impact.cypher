// Recall impact of a lot: every affected lot and logistic unit downstream (what was made from
// it, what carried those), with its product and the quantity made or handled, and every
// facility each one reached, with its type, the first arrival and the quantity seen there.
// (GET /api/v1/recalls/impact adds mass balance and tenancy; this is the raw graph view.)
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
MATCH (lot)-[:TRANSFORMED_INTO|CONTAINS*0..]->(d:ProductInstance)
WITH DISTINCT d
OPTIONAL MATCH (carrier:ProductInstance)-[:CONTAINS*1..]->(d)
WITH collect(DISTINCT d) + collect(DISTINCT carrier) AS affected
UNWIND affected AS x
WITH DISTINCT x
MATCH (e:Event)-[r:OBSERVED|CHILD|PARENT|OUTPUT]->(x)
MATCH (e)-[:AT]->(f:Facility)
OPTIONAL MATCH (x)-[:INSTANCE_OF]->(product:Product)
// master data is per org (docs/architecture.md, "Ownership"): the event owner's statement
WITH x, e, r, f, product, head(COLLECT {
  MATCH (d:FacilityData)-[:DESCRIBES]->(f)
  RETURN d ORDER BY d.org <> e.owner, d.org LIMIT 1
}) AS said,
     head(COLLECT {
       MATCH (pd:ProductData)-[:DESCRIBES]->(product)
       RETURN pd ORDER BY pd.org <> e.owner, pd.org LIMIT 1
     }) AS productSaid
RETURN x.displayId AS affected, coalesce(productSaid.name, product.name) AS product,
       coalesce(said.name, f.displayId) AS facility, said.type AS type,
       min(e.eventTime) AS firstSeen,
       // an individually identified object (an SSCC, a serial) is one each, as in the API
       max(coalesce(r.quantity, 1)) AS quantity,
       head(collect(CASE WHEN r.quantity IS NULL THEN 'EA' ELSE r.uom END)) AS unit
ORDER BY firstSeen, affected
