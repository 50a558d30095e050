// Store an org's named query unless it has one by that name (api: POST /epcis/queries);
// `created` is false for an existing name (409). The (org, name) constraint guards races.
// :param props => {org: 'demo', name: 'shipped', query: '{"EQ_bizStep":["shipping"]}', createdAt: '2026-11-29T17:00:00.000Z'}
MERGE (q:NamedQuery {org: $props.org, name: $props.name})
ON CREATE SET q.query = $props.query, q.createdAt = $props.createdAt, q.fresh = true
WITH q, coalesce(q.fresh, false) AS created
REMOVE q.fresh
RETURN created
