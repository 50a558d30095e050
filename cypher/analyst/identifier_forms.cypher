// How identifiers become keys: each form a thing arrived in (an Alias: EPC URN, Food Trust URN,
// GS1 Digital Link) and the canonical key of the node it names (GS1 Application Identifier
// path: 01/{gtin}/10/{lot}, 00/{sscc}, 414/{gln}, …). Set kind to ProductInstance, Facility,
// Product or Party.
// :param kind => 'ProductInstance'
MATCH (alias:Alias)-[:ALIAS_OF]->(node)
WHERE $kind IN labels(node)
RETURN alias.id AS form, node.id AS key, node.displayId AS shownAs
ORDER BY key, form
LIMIT 50
