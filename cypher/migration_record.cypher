// Record that migration $id has run (with what it left unattributed).
MERGE (m:Migration {id: $id})
  ON CREATE SET m.at = $now, m.unattributed = $unattributed
