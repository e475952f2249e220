"""Marshmallow schemas of the JSON API, one module per resource (In/Out pairs)."""
