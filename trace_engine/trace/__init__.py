"""Traces: one product identifier in, its whole chain out, in the Food Trust Trace API's shape.

- `schemas`: what a trace takes (`TraceParams`) and gives (`TraceResult`).
- `repository`: the read (`cypher/trace.cypher`, then the caller's records on its instances),
  one managed read transaction.
- `lineage` (pure): the lineage edges the caller may see and the instances a trace reaches.
- `assembly` (pure): the response blocks as the caller may see them; `events` (pure) the
  events it sees and their blocks; `sequences` (pure) its edges.
- `cache`: responses indexed by the instances they contain, dropped by any capture touching one.
- `service`: `TraceService`, the depth check, the cache, the read, the assembly.
"""
