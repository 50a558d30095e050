// Top-level resource: the next bizStep after $after that one of $orgs' events uses
// (the repository repeats it for a page; the index makes each step one seek).
// :param after => ''
// :param orgs => ['acme', 'partner']
MATCH (e:Event)
USING INDEX e:Event(bizStep)
WHERE e.bizStep > $after AND e.owner IN $orgs
RETURN e.bizStep AS value
ORDER BY value
LIMIT 1
