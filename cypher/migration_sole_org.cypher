// The only org this database knows (events' owners, API keys' orgs), or null if there are
// none or several.
CALL () {
  MATCH (e:Event) WITH DISTINCT e.owner AS org WHERE org IS NOT NULL RETURN org
  UNION
  MATCH (k:ApiKey) WITH DISTINCT k.org AS org WHERE org IS NOT NULL RETURN org
}
WITH collect(org) AS orgs
RETURN CASE size(orgs) WHEN 1 THEN orgs[0] END AS org
