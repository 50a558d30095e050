// Does $org use the enterprise listings (a farm registered or a shipment declared)? Ingest
// derives batches and shipments only for such orgs, so other orgs' captures cost nothing more.
// :param org => 'demo'
RETURN EXISTS { MATCH (:FarmProfile {org: $org}) } OR EXISTS { MATCH (:Shipment {org: $org}) }
  AS active
