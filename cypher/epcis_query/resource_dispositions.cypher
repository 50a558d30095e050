// Top-level resource: the next disposition after $after that one of $orgs' events uses
// (the repository repeats it for a page; the index makes each step one seek).
// :param after => ''
// :param orgs => ['demo']
MATCH (e:Event)
USING INDEX e:Event(disposition)
WHERE e.disposition > $after AND e.owner IN $orgs
RETURN e.disposition AS value
ORDER BY value
LIMIT 1
