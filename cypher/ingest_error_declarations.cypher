// An error declaration (EPCIS 2.0 §7.4.1.4) re-sends a captured event with errorDeclaration
// added: the declaring org's own stored event takes the declaration, once. Another org's
// event with the same id is never touched (a declaration by an org that has no such event is
// stored as that org's own new event). Returns the eventIDs it applied to.
// :param org => 'demo'
// rows: [{eventID, errorDeclaration (JSON text), raw}]
// :param rows => [{eventID: 'ni:///sha-256;b9350b16fd98c704364d0b37fc39bb7816459c42e46fb1fd1ccd4f2135b9b8d3?ver=CBV2.0', errorDeclaration: '{"declarationTime":"2019-11-07T14:00:00.000+01:00","reason":"incorrect_data","correctiveEventIDs":["urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518"]}', raw: '{}'}]
UNWIND $rows AS row
MATCH (e:Event {eventID: row.eventID, owner: $org})
WHERE e.errorDeclaration IS NULL
SET e.errorDeclaration = row.errorDeclaration, e.raw = row.raw
RETURN collect(e.eventID) AS applied
