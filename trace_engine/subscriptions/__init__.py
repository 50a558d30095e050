"""Webhook subscriptions to named queries: stored with their delivery position, delivered by
a background worker (`worker.py`), signed with GS1-Signature."""
