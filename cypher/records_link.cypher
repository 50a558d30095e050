// Link a traceability record into the graph, replacing the links it had:
//   (r)-[:FOR_PRODUCT]->(:Product)           its productId
//   (r)-[:FOR_INSTANCE]->(:ProductInstance)  its productId + batchNumber (the lot)
//   (r)-[:SUPPLIED_BY]->(:Party|Facility)    its supplierId
//   (r)-[:PROCESSED_AT]->(:Facility)         its processingFacility
// $product, $instance, $supplier, $facility: null or {key, displayId, aliases, label, create,
// productKey}. `create`: the value names such a thing by its canonical key, so the node is
// merged (a later capture of the same lot lands on the same node); otherwise only a node that
// exists is linked. Returns the instances linked before and after (for the trace cache).
// :param id => '15d3c38b-9388-456d-b65f-58e59ecbf130'
// :param product => {key: '01/04012345123456', displayId: 'urn:epc:idpat:sgtin:4012345.012345.*', aliases: ['urn:epc:idpat:sgtin:4012345.012345.*'], label: 'Product', create: true, productKey: null}
// :param instance => {key: '01/04012345123456/10/B-2026-042', displayId: 'urn:epc:class:lgtin:4012345.012345.B-2026-042', aliases: ['urn:epc:class:lgtin:4012345.012345.B-2026-042'], label: 'ProductInstance', create: true, productKey: '01/04012345123456'}
// :param supplier => {key: '417/4012345000009', displayId: 'urn:epc:id:pgln:4012345.00000', aliases: ['urn:epc:id:pgln:4012345.00000'], label: 'Party', create: true, productKey: null}
// :param facility => {key: '414/4012345000016', displayId: 'urn:epc:id:sgln:4012345.00001.0', aliases: ['urn:epc:id:sgln:4012345.00001.0'], label: 'Facility', create: true, productKey: null}
MATCH (r:TraceabilityRecord {id: $id})
OPTIONAL MATCH (r)-[:FOR_INSTANCE]->(previous:ProductInstance)
WITH r, collect(previous.id) AS before
CALL (r) {
  OPTIONAL MATCH (r)-[old:FOR_PRODUCT|FOR_INSTANCE|SUPPLIED_BY|PROCESSED_AT]->()
  DELETE old
}
CALL (r) {
  WITH r WHERE $product.create
  MERGE (p:Product {id: $product.key})
    ON CREATE SET p.displayId = $product.displayId
  FOREACH (raw IN $product.aliases |
    MERGE (a:Alias {id: raw})
    MERGE (a)-[:ALIAS_OF]->(p))
  MERGE (r)-[:FOR_PRODUCT]->(p)
}
CALL (r) {
  WITH r WHERE $product.create = false
  MATCH (p:Product {id: $product.key})
  MERGE (r)-[:FOR_PRODUCT]->(p)
}
CALL (r) {
  WITH r WHERE $instance.create
  MERGE (i:ProductInstance {id: $instance.key})
    ON CREATE SET i.displayId = $instance.displayId, i.kind = 'instance'
  FOREACH (raw IN $instance.aliases |
    MERGE (a:Alias {id: raw})
    MERGE (a)-[:ALIAS_OF]->(i))
  MERGE (r)-[:FOR_INSTANCE]->(i)
  WITH i WHERE $instance.productKey IS NOT NULL
  MATCH (p:Product {id: $instance.productKey})
  MERGE (i)-[:INSTANCE_OF]->(p)
}
CALL (r) {
  WITH r WHERE $instance.create = false
  MATCH (i:ProductInstance {id: $instance.key})
  MERGE (r)-[:FOR_INSTANCE]->(i)
}
CALL (r) {
  WITH r WHERE $supplier.create AND $supplier.label = 'Party'
  MERGE (s:Party {id: $supplier.key})
    ON CREATE SET s.displayId = $supplier.displayId
  FOREACH (raw IN $supplier.aliases |
    MERGE (a:Alias {id: raw})
    MERGE (a)-[:ALIAS_OF]->(s))
  MERGE (r)-[:SUPPLIED_BY]->(s)
}
CALL (r) {
  WITH r WHERE $supplier.create AND $supplier.label = 'Facility'
  MERGE (s:Facility {id: $supplier.key})
    ON CREATE SET s.displayId = $supplier.displayId
  FOREACH (raw IN $supplier.aliases |
    MERGE (a:Alias {id: raw})
    MERGE (a)-[:ALIAS_OF]->(s))
  MERGE (r)-[:SUPPLIED_BY]->(s)
}
CALL (r) {
  WITH r WHERE $supplier.create = false
  OPTIONAL MATCH (party:Party {id: $supplier.key})
  OPTIONAL MATCH (place:Facility {id: $supplier.key})
  WITH r, coalesce(party, place) AS s
  WHERE s IS NOT NULL
  MERGE (r)-[:SUPPLIED_BY]->(s)
}
CALL (r) {
  WITH r WHERE $facility.create
  MERGE (f:Facility {id: $facility.key})
    ON CREATE SET f.displayId = $facility.displayId
  FOREACH (raw IN $facility.aliases |
    MERGE (a:Alias {id: raw})
    MERGE (a)-[:ALIAS_OF]->(f))
  MERGE (r)-[:PROCESSED_AT]->(f)
}
CALL (r) {
  WITH r WHERE $facility.create = false
  MATCH (f:Facility {id: $facility.key})
  MERGE (r)-[:PROCESSED_AT]->(f)
}
OPTIONAL MATCH (r)-[:FOR_INSTANCE]->(now:ProductInstance)
RETURN before, collect(now.id) AS after
