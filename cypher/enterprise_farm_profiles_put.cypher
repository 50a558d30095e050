// The farm fields one org states about facilities (PUT /api/v1/facilities/{id}, or EPCIS
// master data captured by that org). A FarmProfile is that org's statement; the Facility is the
// one shared place. `props` holds every farm field (a null removes it).
// `rank` / `statusRank` order the listing ($orgKey: the org as JSON text). Each profile's node
// is returned for its tally (enterprise_tallies_move.cypher), and whether the statement is new:
// only a new one can make batches of the lots collected there (a document that states its farms
// again, as every file of a history may, re-derives nothing).
// rows: [{key, facilityId, props: {farmerName, farmerId, phone, community, areaHectares,
//         commodity, complianceStatus}}]
// :param rows => [{key: '["cocoa-coop","414/0614141000074"]', facilityId: '414/0614141000074', props: {farmerName: 'Ibrahim Ouattara', farmerId: null, phone: null, community: null, areaHectares: null, commodity: null, complianceStatus: 'approved'}}]
// :param org => 'cocoa-coop'
// :param now => '2026-11-29T16:35:41.941Z'
// :param orgKey => '"cocoa-coop"'
UNWIND $rows AS row
MATCH (f:Facility {id: row.facilityId})
OPTIONAL MATCH (stated:FarmProfile {key: row.key})
WITH row, f, stated IS NULL AS created
MERGE (p:FarmProfile {key: row.key})
  ON CREATE SET p.org = $org, p.facilityId = row.facilityId, p.createdAt = $now
SET p += row.props, p.updatedAt = $now
SET p.rank = $orgKey + ' ' + p.createdAt + ' ' + p.facilityId,
    p.statusRank = $orgKey + ' ' + p.complianceStatus + ' ' + p.createdAt + ' ' + p.facilityId
MERGE (p)-[:PROFILE_OF]->(f)
RETURN p {.*} AS profile, elementId(p) AS node, created
