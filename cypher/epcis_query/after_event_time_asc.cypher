// Keyset paging: only what sorts after the last event of the previous page.
  AND (e.eventTime > $afterValue
    OR (e.eventTime = $afterValue
      AND (e.eventID > $afterId OR (e.eventID = $afterId AND e.owner > $afterOwner))))
