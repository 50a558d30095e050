// Last statement of every stage-changing transaction (under the journey's lock): the totals
// are the sums of the stages as this transaction leaves them; `version` counts the changes.
// :param id => 'f3946fbe-7c03-4904-ab82-28d5a79ab30f'
// :param now => '2026-11-29T16:21:21.213Z'
MATCH (j:Journey {id: $id})
OPTIONAL MATCH (j)-[:HAS_STAGE]->(s:ProcessingStage)
WITH j,
     sum(coalesce(s.distanceKm, 0.0)) AS distance,
     sum(coalesce(s.co2Emissions, 0.0)) AS co2,
     count(s) AS stages
SET j.totalDistanceKm = toFloat(distance),
    j.totalCo2PerKg = toFloat(co2),
    j.stageCount = stages,
    j.version = coalesce(j.version, 0) + 1,
    j.updatedAt = $now
RETURN j.totalDistanceKm AS totalDistanceKm, j.totalCo2PerKg AS totalCo2PerKg,
       j.stageCount AS stageCount
