// The children master data gives the facilities $keys (the `children` of their vocabulary
// elements, as given), for WD_readPoint / WD_bizLocation: those the orgs the caller may see
// state (master data is per org: docs/architecture.md, "Ownership").
// :param keys => ['414/0614141008889']
// :param orgs => ['acme', 'partner']
UNWIND $keys AS k
MATCH (f:Facility {id: k})
RETURN f.id AS id,
       reduce(all = [], d IN [(d:FacilityData)-[:DESCRIBES]->(f) WHERE d.org IN $orgs | d] |
              all + [c IN coalesce(d.children, []) WHERE NOT c IN all]) AS children
