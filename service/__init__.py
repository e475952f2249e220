"""Coverwatch service: eligibility, authorizations and verdicts for therapy practices."""

from service.app import create_app

__all__ = ["create_app"]
