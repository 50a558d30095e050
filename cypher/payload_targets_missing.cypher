// Before a payload is attached: which of its targets do not exist (events only count when the
// caller's org owns them), and which org owns the payload already, if it exists.
// :param id => 'urn:uuid:…', org => 'demo', events => ['urn:uuid:…'], facilities => ['414/…'],
// :param products => ['01/…'], productInstances => ['01/…/10/LOT1']
OPTIONAL MATCH (existing:Payload {id: $id})
RETURN existing.owner AS owner,
  [id IN $events WHERE NOT EXISTS { MATCH (e:Event {eventID: id}) WHERE e.owner = $org }]
    AS events,
  [id IN $facilities WHERE NOT EXISTS { MATCH (:Facility {id: id}) }] AS facilities,
  [id IN $products WHERE NOT EXISTS { MATCH (:Product {id: id}) }] AS products,
  [id IN $productInstances WHERE NOT EXISTS { MATCH (:ProductInstance {id: id}) }]
    AS productInstances
