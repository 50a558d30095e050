// The unrestricted lineage of one product instance, for the FSMA 204 spreadsheet, the KDE
// completeness report and the recall impact report: the instance, its ancestors, descendants
// and the containers its descendants travelled in (as cypher/trace.cypher), and every lineage
// edge out of them with the orgs whose events made it. Trace Engine keeps the edges the
// caller may see (trace_engine/trace.py) and then reads the events page by page, so a recall
// far larger than a trace's 5,000-event limit is never held in one answer.
//
//   :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS root
WHERE root IS NOT NULL
CALL (root) {
  MATCH (root)<-[:TRANSFORMED_INTO|CONTAINS*0..]-(a:ProductInstance)
  RETURN collect(DISTINCT a) AS ancestors
}
CALL (root) {
  MATCH (root)-[:TRANSFORMED_INTO|CONTAINS*0..]->(d:ProductInstance)
  RETURN collect(DISTINCT d) AS descendants
}
CALL (descendants) {
  UNWIND descendants AS d
  OPTIONAL MATCH (d)<-[:CONTAINS*1..]-(c:ProductInstance)
  RETURN [x IN collect(DISTINCT c) WHERE x IS NOT NULL] AS carriers
}
CALL (ancestors, descendants, carriers) {
  UNWIND ancestors + descendants + carriers AS a
  WITH DISTINCT a
  MATCH (a)-[r:TRANSFORMED_INTO|CONTAINS]->(b:ProductInstance)
  RETURN collect({from: a.id, to: b.id, rel: type(r), orgs: r.orgs}) AS edges
}
RETURN root.id AS root, edges
