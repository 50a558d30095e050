// Create one traceability record (api: POST /api/v1/traceability).
// $props: the record's stored properties (id, org, productId, productKey, batchNumber, origin,
// …, metadata as JSON text, createdAt, updatedAt); links are made by records_link.cypher.
// :param props => {productId: 'SKU-A', batchNumber: 'B1', origin: 'Gujarat, India', isCompliant: false, id: 'd4038ec9-9a22-402b-bcde-2d15218b18aa', org: 'demo', productKey: 'SKU-A', createdAt: '2026-11-29T16:29:04.928Z', updatedAt: '2026-11-29T16:29:04.928Z'}
CREATE (r:TraceabilityRecord)
SET r = $props
RETURN properties(r) AS record
