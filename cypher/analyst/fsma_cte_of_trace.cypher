// The FSMA 204 Critical Tracking Event of each event of a lot's trace, as the GS1 US guideline
// "EPCIS Recommendations for FSMA 204 CTEs" reads them (trace_engine/fsma204/cte.py is the
// engine's classifier; null = not a CTE: packing onto pallets, unpacking, stocking, …).
// :param productId => 'urn:epc:class:lgtin:0860002.010001.PVG240502R'
OPTIONAL MATCH (:Alias {id: $productId})-[:ALIAS_OF]->(viaAlias:ProductInstance)
OPTIONAL MATCH (viaKey:ProductInstance {id: $productId})
WITH coalesce(viaKey, viaAlias) AS lot
CALL (lot) {
  MATCH (lot)<-[:TRANSFORMED_INTO|CONTAINS*0..]-(x:ProductInstance) RETURN x
  UNION
  MATCH (lot)-[:TRANSFORMED_INTO|CONTAINS*0..]->(x:ProductInstance) RETURN x
}
MATCH (e:Event)-[:OBSERVED|CHILD|PARENT|INPUT|OUTPUT]->(x)
WITH DISTINCT e,
     replace(replace(coalesce(e.bizStep, ''), 'urn:epcglobal:cbv:bizstep:', ''),
             'https://ref.gs1.org/cbv/BizStep-', '') AS step
OPTIONAL MATCH (e)-[:AT]->(f:Facility)
WITH e, step, f, head(COLLECT {
  MATCH (d:FacilityData)-[:DESCRIBES]->(f)
  RETURN d ORDER BY d.org <> e.owner, d.org LIMIT 1
}) AS said,
     EXISTS {
       MATCH (e)-[:INPUT]->(:ProductInstance)<-[:OBSERVED]-(made:Event)
       WHERE made.eventType = 'ObjectEvent' AND made.action = 'ADD'
         AND (made.bizStep ENDS WITH 'commissioning'
              OR made.bizStep ENDS WITH 'creating_class_instance')
     } AS fromHarvest
RETURN e.eventTime AS time, e.eventType AS type, step,
       CASE
         WHEN e.eventType = 'TransformationEvent' AND fromHarvest THEN 'initial_packing'
         WHEN e.eventType = 'TransformationEvent' THEN 'transformation'
         WHEN e.eventType = 'ObjectEvent' AND e.action = 'ADD'
              AND step IN ['commissioning', 'creating_class_instance']
           THEN CASE WHEN e.raw CONTAINS 'catchArea' THEN 'first_land_based_receiving'
                     ELSE 'harvesting' END
         WHEN step = 'shipping' THEN 'shipping'
         WHEN step = 'receiving' THEN 'receiving'
         WHEN (step = 'other' OR toLower(step) CONTAINS 'cool')
              AND toLower(e.raw) CONTAINS 'temperature' THEN 'cooling'
       END AS cte,
       coalesce(said.name, f.displayId) AS facility, e.eventID AS eventID
ORDER BY time, eventID
