"""Traceability records: a per-batch audit trail of one org, linked into the graph.

- `schemas`: bodies, answers, and the mapping to and from the stored node.
- `links`: which graph nodes a record's identifiers name (pure).
- `service`: `RecordService`, strictly per org.
- `repository`: the Cypher calls (`cypher/records_*.cypher`).
"""
