// Store a subscription on one org's named query (api: POST /epcis/queries/{name}/subscriptions);
// no row when the org has no query of that name.
// :param org => 'demo'
// :param name => 'shipped'
// :param props => {id: 'b5b5', org: 'demo', queryName: 'shipped', dest: 'https://hooks.invalid/x', stream: true, reportIfEmpty: false, createdAt: '2026-11-29T17:00:00.000Z', status: 'active', attempts: 0, nextAttemptAt: '2026-11-29T17:00:00.000Z'}
MATCH (q:NamedQuery {org: $org, name: $name})
CREATE (s:Subscription)-[:SUBSCRIBES]->(q)
SET s = $props
RETURN properties(s) AS subscription
