// Where each event happened (AT: bizLocation, READ_POINT) and where the goods came from and
// went to (SOURCE / DESTINATION with the CBV type), to a Facility or, for parties, a Party.
// rows: [{eventID, target, party: bool, rel, type, seq}]
UNWIND $rows AS row
MATCH (e:Event {eventID: row.eventID})
OPTIONAL MATCH (f:Facility {id: row.target}) WHERE NOT row.party
OPTIONAL MATCH (p:Party {id: row.target}) WHERE row.party
WITH e, row, coalesce(f, p) AS place
FOREACH (_ IN CASE row.rel WHEN 'AT' THEN [1] ELSE [] END |
  CREATE (e)-[:AT]->(place))
FOREACH (_ IN CASE row.rel WHEN 'READ_POINT' THEN [1] ELSE [] END |
  CREATE (e)-[:READ_POINT]->(place))
FOREACH (_ IN CASE row.rel WHEN 'SOURCE' THEN [1] ELSE [] END |
  CREATE (e)-[:SOURCE {type: row.type, seq: row.seq}]->(place))
FOREACH (_ IN CASE row.rel WHEN 'DESTINATION' THEN [1] ELSE [] END |
  CREATE (e)-[:DESTINATION {type: row.type, seq: row.seq}]->(place))
