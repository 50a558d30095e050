"""The enterprise listings: farms, collection batches and shipments, with readiness."""
