// Forget every tally and the record of the migration that builds them, so the next schema step
// builds them again from the rows (bench/enterprise.py times that migration; its test uses it).
OPTIONAL MATCH (m:Migration {id: 'enterprise-tallies'})
DELETE m
WITH count(*) AS done
MATCH (t:Tally)
DETACH DELETE t
