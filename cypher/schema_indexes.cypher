// The indexes that exist and are online, by name (a constraint's index takes its name):
// compared with schema.cypher before its statements are run.
SHOW INDEXES YIELD name, state
RETURN collect(name) AS names, collect(CASE WHEN state = 'ONLINE' THEN name END) AS online
