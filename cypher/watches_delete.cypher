// Delete one org's recall watch; no row when it has none by that id.
// :param org => 'demo'
// :param id => 'w1'
MATCH (w:Watch {id: $id, org: $org})
DETACH DELETE w
RETURN true AS deleted
