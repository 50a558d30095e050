// Records and journeys whose metadata text may hold what the input bounds now refuse, stored
// before they existed (trace_engine/graph/stored_values.py checks each one exactly): a run of
// 19 or more digits (an integer beyond 64 bits), NaN or Infinity, as many opening brackets as
// the depth limit (32 nested containers put a value at level 33), or more characters than a quarter of the size limit in bytes. Metadata
// quarantined already (`metadataOriginal` set) is not looked at again.
// :param maxDepth => 32
// :param minChars => 16384
CALL () {
  MATCH (n:TraceabilityRecord) WHERE n.metadata IS NOT NULL AND n.metadataOriginal IS NULL
  RETURN n
  UNION
  MATCH (n:Journey) WHERE n.metadata IS NOT NULL AND n.metadataOriginal IS NULL
  RETURN n
}
WITH n, n.metadata AS text
WHERE text =~ '(?s).*[0-9]{19}.*'
   OR text CONTAINS 'NaN'
   OR text CONTAINS 'Infinity'
   OR size(text) - size(replace(replace(text, '{', ''), '[', '')) >= $maxDepth
   OR size(text) > $minChars
RETURN elementId(n) AS node, labels(n)[0] AS label, n.id AS id
