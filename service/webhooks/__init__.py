"""Signed webhooks: the events (events.py), endpoints (endpoints.py), delivery (deliver.py)."""
