// Record that migration $id has run (with what it left unattributed).
// :param id => 'statements-per-org'
// :param now => '2026-11-29T16:44:37.791740+00:00'
// :param unattributed => 0
MERGE (m:Migration {id: $id})
  ON CREATE SET m.at = $now, m.unattributed = $unattributed
