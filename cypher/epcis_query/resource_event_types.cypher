// Top-level resource: the next eventType after $after that one of $orgs' events uses
// (the repository repeats it for a page; the index makes each step one seek).
// :param after => ''
// :param orgs => ['acme', 'partner']
MATCH (e:Event)
USING INDEX e:Event(eventType)
WHERE e.eventType > $after AND e.owner IN $orgs
RETURN e.eventType AS value
ORDER BY value
LIMIT 1
