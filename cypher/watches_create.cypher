// Store a recall watch on a product instance (api: POST /api/v1/watches); no row when the
// instance does not exist (the service has read its trace just before).
// :param key => '01/00860002100012/10/PVG240502R'
// :param props => {id: 'w1', org: 'demo', productId: 'urn:epc:class:lgtin:0860002.010001.PVG240502R', productKey: '01/00860002100012/10/PVG240502R', dest: 'https://hooks.invalid/x', createdAt: '2026-11-29T17:00:00.000Z', status: 'active', attempts: 0, nextAttemptAt: '2026-11-29T17:00:00.000Z', positionRecordTime: '2026-11-29T17:00:00.000Z', positionEventID: '', positionOwner: ''}
MATCH (i:ProductInstance {id: $key})
CREATE (w:Watch)-[:WATCHES]->(i)
SET w = $props
RETURN properties(w) AS watch
