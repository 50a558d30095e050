// The children master data gives the facilities $keys (the `children` of their vocabulary
// elements, as given), for WD_readPoint / WD_bizLocation.
// :param keys => ['414/0614141000005']
UNWIND $keys AS k
MATCH (f:Facility {id: k})
RETURN f.id AS id, coalesce(f.children, []) AS children
