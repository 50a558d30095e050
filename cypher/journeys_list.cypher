// GET /api/v1/product/traceability: one page of the org's journeys.
// $sortBy is one of the allow-listed keys (trace_engine.journeys.SortBy); the direction is
// the boolean $descending: the first ORDER BY key is null for every row when descending,
// the second when ascending, so one statement serves both without formatting input in.
// :param org => 'demo'
// :param search => null
// :param clientIds => ['2d10d540-1135-4db8-8870-68ebbafd2f53']
// :param compositionIds => ['0cf22c4e-acb1-4a92-95ba-dd7894596405']
// :param sortBy => 'createdAt'
// :param descending => true
// :param skip => 0
// :param limit => 20
MATCH (j:Journey)
WHERE j.org = $org
  AND ($search IS NULL OR toLower(j.traceabilityName) CONTAINS $search)
  AND ($clientIds IS NULL OR j.clientId IN $clientIds)
  AND ($compositionIds IS NULL OR j.compositionId IN $compositionIds)
WITH j,
     CASE $sortBy
       WHEN 'createdAt' THEN j.createdAt
       WHEN 'updatedAt' THEN j.updatedAt
       WHEN 'traceabilityName' THEN toLower(j.traceabilityName)
       WHEN 'totalDistanceKm' THEN j.totalDistanceKm
       WHEN 'totalCo2PerKg' THEN j.totalCo2PerKg
     END AS sortKey
ORDER BY CASE WHEN $descending THEN null ELSE sortKey END ASC,
         CASE WHEN $descending THEN sortKey ELSE null END DESC,
         j.id ASC
SKIP $skip
LIMIT $limit
RETURN j {.*} AS journey
