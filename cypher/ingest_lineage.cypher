// The materialised lineage a trace walks: each transformation input TRANSFORMED_INTO each
// output, and each aggregation (ADD / OBSERVE) parent CONTAINS each child.
// rows: [{from, to, rel: 'TRANSFORMED_INTO' | 'CONTAINS'}]
UNWIND $rows AS row
MATCH (a:ProductInstance {id: row.from})
MATCH (b:ProductInstance {id: row.to})
FOREACH (_ IN CASE row.rel WHEN 'TRANSFORMED_INTO' THEN [1] ELSE [] END |
  MERGE (a)-[:TRANSFORMED_INTO]->(b))
FOREACH (_ IN CASE row.rel WHEN 'CONTAINS' THEN [1] ELSE [] END |
  MERGE (a)-[:CONTAINS]->(b))
