// Stop sharing $source's events with $target; returns nothing if there was no such share.
MATCH (:Org {id: $source})-[s:SHARES_WITH]->(:Org {id: $target})
DELETE s
RETURN $target AS to
