// Before a payload is attached: which of its targets the caller cannot name. An event counts
// only when the caller's org owns it; a facility, product or product instance only when an
// event of an org visible to the caller refers to it or a visible org has master data about
// it. So a target the caller cannot see answers exactly like one that does not exist: the
// answer never tells whether another org has it.
// :param events => ['urn:uuid:00000000-0000-4000-8000-000000000001']
// :param org => 'demo'
// :param facilities => ['414/0614141007776']
// :param orgs => ['demo']
// :param products => ['01/10614141073464']
// :param productInstances => ['01/04012345123456/10/998877']
RETURN
  [id IN $events WHERE NOT EXISTS { MATCH (:Event {eventID: id, owner: $org}) }] AS events,
  [id IN $facilities WHERE NOT EXISTS {
     MATCH (f:Facility {id: id})<-[:AT|READ_POINT|SOURCE|DESTINATION]-(e:Event)
     WHERE e.owner IN $orgs } AND NOT EXISTS {
     MATCH (:Facility {id: id})<-[:DESCRIBES]-(d:FacilityData) WHERE d.org IN $orgs }]
    AS facilities,
  [id IN $products WHERE NOT EXISTS {
     MATCH (:Product {id: id})<-[:OBSERVED|CHILD|INPUT|OUTPUT]-(e:Event)
     WHERE e.owner IN $orgs } AND NOT EXISTS {
     MATCH (:Product {id: id})<-[:INSTANCE_OF]-(:ProductInstance)
           <-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
     WHERE e.owner IN $orgs } AND NOT EXISTS {
     MATCH (:Product {id: id})<-[:DESCRIBES]-(d:ProductData) WHERE d.org IN $orgs }]
    AS products,
  [id IN $productInstances WHERE NOT EXISTS {
     MATCH (:ProductInstance {id: id})<-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]-(e:Event)
     WHERE e.owner IN $orgs } AND NOT EXISTS {
     MATCH (:ProductInstance {id: id})<-[:DESCRIBES]-(d:LotData) WHERE d.org IN $orgs }]
    AS productInstances
