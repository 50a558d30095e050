// The materialised lineage a trace walks: each transformation input TRANSFORMED_INTO each
// output, and each aggregation (ADD / OBSERVE) parent CONTAINS each child. `orgs` lists the
// orgs whose events made the edge, so a trace can walk only what the caller may see.
// rows: [{from, to, rel: 'TRANSFORMED_INTO' | 'CONTAINS', org}]
// :param rows => [{from: '00/040123451111111110', to: '01/04012345111118/10/1234', rel: 'CONTAINS', org: 'demo'}]
UNWIND $rows AS row
MATCH (a:ProductInstance {id: row.from})
MATCH (b:ProductInstance {id: row.to})
FOREACH (_ IN CASE row.rel WHEN 'TRANSFORMED_INTO' THEN [1] ELSE [] END |
  MERGE (a)-[t:TRANSFORMED_INTO]->(b)
  SET t.orgs = CASE WHEN row.org IN coalesce(t.orgs, []) THEN t.orgs
                    ELSE coalesce(t.orgs, []) + row.org END)
FOREACH (_ IN CASE row.rel WHEN 'CONTAINS' THEN [1] ELSE [] END |
  MERGE (a)-[c:CONTAINS]->(b)
  SET c.orgs = CASE WHEN row.org IN coalesce(c.orgs, []) THEN c.orgs
                    ELSE coalesce(c.orgs, []) + row.org END)
