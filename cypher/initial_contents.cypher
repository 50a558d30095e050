// What the target database of an initial load holds, by label, from the count store (no
// scan): `trace-engine load --initial` refuses a database that holds anything but the schema
// migrations' records, unless told to replace it.
CALL db.labels() YIELD label
CALL (label) { MATCH (n:$(label)) RETURN count(n) AS nodes }
WITH label, nodes WHERE nodes > 0
RETURN collect([label, nodes]) AS labels
