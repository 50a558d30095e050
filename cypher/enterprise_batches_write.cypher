// Batch rows of $org (derived by trace_engine/enterprise/status.py), one per collected lot;
// each row's node and status, for its tally (enterprise_tallies_move.cypher).
// rows: [{key, lotId, props: {id, farmId, agentId, status, totalWeight, bagCount,
//         collectedAt, createdAt, notes}}]
// :param rows => [{key: '["cocoa-coop","01/00614141555550/10/MEA-0108-07"]', lotId: '01/00614141555550/10/MEA-0108-07', props: {id: '01/00614141555550/10/MEA-0108-07', farmId: '414/0614141000074', agentId: '417/0614141001033', status: 'aggregated', totalWeight: 2048.0, bagCount: 32, collectedAt: '2024-01-08T09:00:00.000Z', createdAt: '2026-11-29T16:27:36.697Z', notes: null}}]
// :param org => 'cocoa-coop'
UNWIND $rows AS row
MATCH (lot:ProductInstance {id: row.lotId})
MERGE (b:Batch {key: row.key})
  ON CREATE SET b.org = $org
SET b += row.props
MERGE (b)-[:OF_LOT]->(lot)
RETURN elementId(b) AS node, b.status AS status
