"""Recall watches: a webhook told of every new event on any product instance of a lot's
trace (upstream or downstream), with the trace's updated summary; delivered by `worker.py`."""
