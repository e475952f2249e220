"""Domain errors; web/errors.py turns each into one HTTP answer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a use case raises on purpose. Messages never carry patient data."""


class NotFound(DomainError):
    def __init__(self, resource: str) -> None:
        super().__init__(f"{resource} not found")
        self.resource = resource


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule needing more context (the payer list)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid input")
        self.errors = errors


class ResendTooSoon(DomainError):
    """An inquiry that may have reached the payer began less than 90 seconds ago (CAQH CORE),
    or, for a nightly item, the same question is still at the payer: nothing was sent or
    stored; the caller may ask again in `retry_after_s` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("an inquiry may still reach the payer")
        self.retry_after_s = retry_after_s
