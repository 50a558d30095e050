// An error declaration (EPCIS 2.0 §7.4.1.4) re-sends a captured event with errorDeclaration
// added: the stored event takes the declaration, once. Returns the eventIDs it applied to.
// rows: [{eventID, errorDeclaration (JSON text), raw}]
UNWIND $rows AS row
MATCH (e:Event {eventID: row.eventID})
WHERE e.errorDeclaration IS NULL
SET e.errorDeclaration = row.errorDeclaration, e.raw = row.raw
RETURN collect(e.eventID) AS applied
