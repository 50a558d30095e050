"""The EPCIS 2.0 query interface: parameters → typed query → Cypher plan → pages → documents."""
