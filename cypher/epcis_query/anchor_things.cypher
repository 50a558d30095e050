// The events that name one of the given product instances or products (canonical keys, or
// key prefixes of EPC patterns); the filters below say through which relationship.
// :param anchorKeys => ['01/00614141107346/21/2017']
// :param anchorPrefixes => []
// :param orgs => ['demo']
CALL () {
  UNWIND $anchorKeys AS k
  MATCH (t:ProductInstance {id: k})
  RETURN t
  UNION
  UNWIND $anchorKeys AS k
  MATCH (t:Product {id: k})
  RETURN t
  UNION
  UNWIND $anchorPrefixes AS p
  MATCH (t:ProductInstance)
  WHERE t.id STARTS WITH p
  RETURN t
}
MATCH (e:Event)-->(t)
WITH DISTINCT e
WHERE e.owner IN $orgs
