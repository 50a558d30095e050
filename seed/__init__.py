"""The worked examples, installed as `trace_engine.seed.data` (see pyproject.toml).

This file only makes the folder a package for every kind of install; `trace-engine seed load`
reads the examples through importlib.resources.
"""
