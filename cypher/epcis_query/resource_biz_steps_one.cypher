// Whether one of $orgs' events has bizStep $value.
// :param value => 'urn:epcglobal:cbv:bizstep:killing'
// :param orgs => ['acme', 'partner']
RETURN EXISTS { MATCH (e:Event) WHERE e.bizStep = $value AND e.owner IN $orgs } AS found
