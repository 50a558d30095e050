// Batch rows of $org (derived by trace_engine/enterprise/status.py), one per collected lot.
// rows: [{key, lotId, props: {id, farmId, agentId, status, totalWeight, bagCount,
//         collectedAt, createdAt, notes}}]
UNWIND $rows AS row
MATCH (lot:ProductInstance {id: row.lotId})
MERGE (b:Batch {key: row.key})
  ON CREATE SET b.org = $org
SET b += row.props
MERGE (b)-[:OF_LOT]->(lot)
