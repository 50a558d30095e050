"""Product journeys: a header plus processing stages ordered by sequenceOrder, with totals.

- `schemas`: bodies, answers and list parameters.
- `planner`: the pure part (bulk-upsert plan, companyType rule, totals check, facet counts).
- `service`: `JourneyService`, one managed transaction per call, the lock-then-validate flow.
- `repository`: the Cypher calls (`cypher/journeys_*.cypher`, `cypher/stages_*.cypher`).
"""
