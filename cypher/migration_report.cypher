// Record a run of a repeatable migration (stored-values) with its report (JSON text).
// :param id => 'stored-values'
// :param now => '2026-11-29T18:40:00.000000+00:00'
// :param report => '{"repaired": {}, "reported": {}}'
MERGE (m:Migration {id: $id})
  ON CREATE SET m.at = $now
SET m.lastRunAt = $now, m.report = $report
