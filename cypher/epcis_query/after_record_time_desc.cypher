// Keyset paging: only what sorts after the last event of the previous page.
// :param afterValue => ''
// :param afterId => ''
// :param afterOwner => ''
  AND (e.recordTime < $afterValue
    OR (e.recordTime = $afterValue
      AND (e.eventID < $afterId OR (e.eventID = $afterId AND e.owner < $afterOwner))))
