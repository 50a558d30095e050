// What was packed into each logistic unit (SSCC) of $keys, by aggregation events (ADD) the
// caller's orgs may see: the child and the quantity of a childQuantityList entry.
//
//   :param keys => ['00/008612341000000101']
//   :param orgs => ['demo']
UNWIND $keys AS key
MATCH (u:ProductInstance {id: key})<-[:PARENT]-(e:Event {eventType: 'AggregationEvent'})
WHERE e.owner IN $orgs AND e.action = 'ADD'
MATCH (e)-[c:CHILD]->(x:ProductInstance)
RETURN u.id AS unit, x.id AS child, c.quantity AS quantity, c.uom AS uom, e.eventTime AS time
ORDER BY time
