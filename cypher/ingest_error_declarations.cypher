// An error declaration (EPCIS 2.0 §7.4.1.4) re-sends a captured event with errorDeclaration
// added: the declaring org's own stored event takes the declaration, once. Another org's
// event with the same id is never touched (a declaration by an org that has no such event is
// stored as that org's own new event). Returns the eventIDs it applied to.
// :param org => 'demo'
// rows: [{eventID, errorDeclaration (JSON text), raw}]
UNWIND $rows AS row
MATCH (e:Event {eventID: row.eventID, owner: $org})
WHERE e.errorDeclaration IS NULL
SET e.errorDeclaration = row.errorDeclaration, e.raw = row.raw
RETURN collect(e.eventID) AS applied
