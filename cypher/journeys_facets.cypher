// GET /api/v1/product/traceability: journeys matching the search, counted per
// (clientId, compositionId); the service derives the total and both facets from these rows.
// :param org => 'demo'
// :param search => 'shirt'
MATCH (j:Journey)
WHERE j.org = $org
  AND ($search IS NULL OR toLower(j.traceabilityName) CONTAINS $search)
RETURN j.clientId AS clientId, j.compositionId AS compositionId, count(*) AS n
