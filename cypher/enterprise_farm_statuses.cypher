// The compliance status each of $orgs states for each farm (readiness picks the caller's own
// statement first, then those of the orgs sharing with it, in $orgs order).
// :param farms => ['414/0614141000074', '414/0614141000081', '414/0614141000098']
// :param orgs => ['cocoa-coop']
UNWIND $farms AS id
MATCH (p:FarmProfile)-[:PROFILE_OF]->(:Facility {id: id})
WHERE any(x IN $orgs WHERE x = p.org)
RETURN id, collect([p.org, p.complianceStatus]) AS statements
