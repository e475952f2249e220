"""Persistence: SQLAlchemy models, engine set-up, repositories and the unit of work."""
