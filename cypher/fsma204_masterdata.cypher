// Master data of the facilities (or parties) and products the FSMA 204 reports describe:
// each node's key and first-seen form, and the statements the caller's orgs made about it
// (master data is per org: docs/architecture.md, "Ownership"; the service merges them).
//
//   :param facilities => ['414/0860002000014']
//   :param products => ['01/00860002010018']
//   :param orgs => ['demo']
CALL () {
  UNWIND $facilities AS key
  MATCH (f:Facility|Party {id: key})
  RETURN collect(f {.id, .displayId, statements: [(d:FacilityData)-[:DESCRIBES]->(f)
                                                  WHERE d.org IN $orgs | properties(d)]})
         AS facilities
}
CALL () {
  UNWIND $products AS key
  MATCH (p:Product {id: key})
  RETURN collect(p {.id, .displayId, statements: [(d:ProductData)-[:DESCRIBES]->(p)
                                                  WHERE d.org IN $orgs | properties(d)]})
         AS products
}
RETURN facilities, products
