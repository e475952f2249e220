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

    def __init__(self, errors: dict[str, list[str]], *, reason: str | None = None) -> None:
        super().__init__("invalid input")
        self.errors = errors
        self.reason = reason  # a stable code for the rule broken, when one rule is


class Conflict(DomainError):
    """A write that contradicts what is stored. `code` is stable for clients to branch on;
    `ids` name the records in the way (ids only, never patient data)."""

    def __init__(self, code: str, message: str, **ids: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.ids = ids


class ResendTooSoon(DomainError):
    """An inquiry that may have reached the payer began less than 90 seconds ago (CAQH CORE),
    or, for a nightly item, the same question is still at the payer: nothing was sent or
    stored; the caller may ask again in `retry_after_s` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("an inquiry may still reach the payer")
        self.retry_after_s = retry_after_s


class PreconditionFailed(DomainError):
    """The record changed since the version the client sent in If-Match: nothing was written."""

    def __init__(self) -> None:
        super().__init__("the record changed since the version sent")


class PayerFailed(DomainError):
    """A payer call made for the caller at once (a COB check) gave no usable answer: `code`
    is the PayerErrorCode's value; `retry_after_s` what the payer asked us to wait."""

    def __init__(self, code: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after_s = retry_after_s
