// What each event is about: instances and product classes, with the role the event gives them
// (OBSERVED: epcList / quantityList; PARENT / CHILD: aggregation and association;
// INPUT / OUTPUT: transformation), and the quantity and unit when given.
// rows: [{eventID, target, product: bool, rel, quantity, uom}]
UNWIND $rows AS row
MATCH (e:Event {eventID: row.eventID})
OPTIONAL MATCH (i:ProductInstance {id: row.target}) WHERE NOT row.product
OPTIONAL MATCH (p:Product {id: row.target}) WHERE row.product
WITH e, row, coalesce(i, p) AS thing
FOREACH (_ IN CASE row.rel WHEN 'OBSERVED' THEN [1] ELSE [] END |
  CREATE (e)-[:OBSERVED {quantity: row.quantity, uom: row.uom, seq: row.seq}]->(thing))
FOREACH (_ IN CASE row.rel WHEN 'PARENT' THEN [1] ELSE [] END |
  CREATE (e)-[:PARENT]->(thing))
FOREACH (_ IN CASE row.rel WHEN 'CHILD' THEN [1] ELSE [] END |
  CREATE (e)-[:CHILD {quantity: row.quantity, uom: row.uom, seq: row.seq}]->(thing))
FOREACH (_ IN CASE row.rel WHEN 'INPUT' THEN [1] ELSE [] END |
  CREATE (e)-[:INPUT {quantity: row.quantity, uom: row.uom, seq: row.seq}]->(thing))
FOREACH (_ IN CASE row.rel WHEN 'OUTPUT' THEN [1] ELSE [] END |
  CREATE (e)-[:OUTPUT {quantity: row.quantity, uom: row.uom, seq: row.seq}]->(thing))
