// The events at (bizLocation) or read at (readPoint) one of the given facilities.
// :param anchorKeys => ['414/0614141000005']
// :param orgs => ['demo']
UNWIND $anchorKeys AS k
MATCH (:Facility {id: k})<-[:AT|READ_POINT]-(e:Event)
WITH DISTINCT e
WHERE e.owner IN $orgs
