// First write of every transaction that writes $org's listing rows or tallies: take the write
// lock of the org's (:ListingsLock) (made on first use, never deleted), held until commit. A
// tally is found by MERGE without a lock, so one emptied by a writer could be deleted under a
// concurrent writer that found it (which then fails, EntityNotFound); holding this lock, no
// other writer of the org is between finding a tally and counting in it, so the writer holding
// it may delete the tallies it emptied (enterprise_tallies_prune.cypher). Taken before the rows
// are written, so every writer of an org locks in one order: this node, its rows, the tallies.
// :param org => 'cocoa-coop'
MERGE (l:ListingsLock {org: $org})
SET l.held = true
REMOVE l.held
