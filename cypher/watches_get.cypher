// One org's recall watch (another org's answers nothing: 404).
// :param org => 'demo'
// :param id => 'w1'
MATCH (w:Watch {id: $id, org: $org})
RETURN properties(w) AS watch
