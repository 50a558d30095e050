// Journeys whose stored totals are not finite (a sum that overflowed before the bounds): their
// totals are recomputed from the stages by journeys_totals.cypher.
// :param maxTotal => 1e16
MATCH (j:Journey)
WHERE any(k IN ['totalDistanceKm', 'totalCo2PerKg']
          WHERE j[k] IS NOT NULL AND NOT (j[k] >= 0.0 AND j[k] <= $maxTotal))
RETURN j.id AS id
