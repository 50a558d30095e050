"""Initial load: a large EPCIS history into an empty graph through `neo4j-admin database import`.

- `parse`: one file → its events' CSV part files and shared nodes (worker processes).
- `graph`: the online path's rows → importer rows; the shared-node tables merged in file order.
- `files`: CSV groups, headers and value encoding for the importer.
- `store`: the importer run into a staging store and the kill-safe swap.
- `repository`: the emptiness check and the finish (declarations, enterprise listings).
- `service`: the phases, end to end (`trace-engine load --initial`).
"""
