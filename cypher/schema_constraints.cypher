// The names of the constraints that exist (compared with schema.cypher).
SHOW CONSTRAINTS YIELD name
RETURN collect(name) AS names
