// Processing stages holding a distance or an emission the input bounds now refuse (not a
// finite number from 0 to $maxQuantity: NaN, Infinity, negative, or so large that a journey's
// total overflows), stored before the bounds existed, with their journey.
// :param maxQuantity => 1e12
MATCH (j:Journey)-[:HAS_STAGE]->(s:ProcessingStage)
WHERE any(k IN ['distanceKm', 'co2Emissions']
          WHERE s[k] IS NOT NULL AND NOT (s[k] >= 0.0 AND s[k] <= $maxQuantity))
RETURN elementId(s) AS node, s.id AS id, j.id AS journeyId,
       s.distanceKm AS distanceKm, s.co2Emissions AS co2Emissions
