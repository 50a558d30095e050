// End the share from $source to $target (either side may: the sharer withdraws it, the
// receiver refuses or leaves it); returns nothing if there was no such share.
// :param source => 'org-b'
// :param target => 'org-a'
MATCH (:Org {id: $source})-[s:SHARES_WITH]->(:Org {id: $target})
DELETE s
RETURN $target AS to
