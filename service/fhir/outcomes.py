"""OperationOutcome resources: what went wrong, where, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome


@dataclass(frozen=True, kw_only=True)
class Issue:
    """One issue: FHIR's issue `code` (invalid, not-found, login …), the sentence for a
    person, where in the resource (a FHIRPath expression), and a coded reason."""

    code: str
    text: str
    severity: str = "error"
    expression: str | None = None
    details: dict[str, Any] | None = None


def outcome(issues: list[Issue], *, resource_id: str | None = None) -> OperationOutcome:
    body: dict[str, Any] = {"resourceType": "OperationOutcome", "issue": [
        _issue(issue) for issue in issues]}
    if resource_id is not None:
        body["id"] = resource_id
    return OperationOutcome.model_validate(body)


def _issue(issue: Issue) -> dict[str, Any]:
    found: dict[str, Any] = {"severity": issue.severity, "code": issue.code,
                             "diagnostics": issue.text}
    if issue.details is not None:
        found["details"] = issue.details
    if issue.expression is not None:
        found["expression"] = [issue.expression]
    return found
