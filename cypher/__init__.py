"""The Cypher statements, installed as `trace_engine.queries` (see pyproject.toml).

This file only makes the folder a package for every kind of install; the statements are read
through `trace_engine.graph.catalog`, one `Query` member per `.cypher` file.
"""
