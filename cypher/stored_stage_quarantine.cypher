// Quarantine a stage's out-of-bounds quantities: each is set to 0.0 and its original value
// kept as text in `quarantined` (JSON: {"distanceKm": "1.7e+308"}); the journey's totals are
// then recomputed by journeys_totals.cypher.
// :param node => '4:f8a18547-f398-4f68-a459-be90c0adb195:7'
// :param changes => {distanceKm: 0.0}
// :param quarantined => '{"distanceKm":"1.7e+308"}'
// :param now => '2026-11-29T18:40:00.000Z'
MATCH (s:ProcessingStage) WHERE elementId(s) = $node
SET s += $changes, s.quarantined = $quarantined, s.quarantinedAt = $now
RETURN count(s) AS quarantined
