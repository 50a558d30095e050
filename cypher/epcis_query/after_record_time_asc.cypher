// Keyset paging: only what sorts after the last event of the previous page, as one list
// comparison (sort key, eventID, owner) that the planner cannot split into a union of index
// seeks, so the walk keeps the index's order and stops after $limit rows.
// :param afterValue => ''
// :param afterId => ''
// :param afterOwner => ''
  AND [e.recordTime, e.eventID, e.owner] > [$afterValue, $afterId, $afterOwner]
