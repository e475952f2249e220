"""OpenAPI links by rule: the id a create answers feeds every operation that takes that id."""

from __future__ import annotations

from typing import Any

# Each create, the id it answers (a JSON pointer into its body) and the parameter it fills:
# a path parameter of that name, or a top-level field of that name in the JSON request body of
# an operation without path parameters (one with them needs its own ids first).
CREATES: dict[str, tuple[str, str]] = {
    "createPatient": ("patient_id", "/id"),
    "createCoverage": ("coverage_id", "/id"),
    "createEligibilityCheck": ("check_id", "/id"),
    "createAuthorization": ("auth_id", "/id"),
    "createVisit": ("visit_id", "/id"),
    "createApiKey": ("key_id", "/api_key/id"),
}
Operation = tuple[str, dict[str, Any]]


def body_fields(operation: dict[str, Any], schemas: dict[str, dict]) -> frozenset[str]:
    """The top-level fields of the operation's JSON request body (none without one)."""
    schema = (operation.get("requestBody", {}).get("content", {})
              .get("application/json", {}).get("schema", {}))
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    return frozenset(schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))


def link(source: dict[str, Any], target: Operation, schemas: dict[str, dict]) -> None:
    """Add to each success answer of `source` a link to `target` when it takes the id."""
    created = CREATES.get(source.get("operationId", ""))
    path, operation = target
    if created is None or operation is source:
        return
    name, pointer = created
    expression = f"$response.body#{pointer}"
    if "{" + name + "}" in path:
        definition: dict[str, Any] = {"parameters": {name: expression}}
    elif "{" not in path and name in body_fields(operation, schemas):
        definition = {"requestBody": {name: expression}}
    else:
        return
    definition = {"operationId": operation["operationId"], **definition,
                  "description": f"The `{name}` this answer holds, as `{operation['operationId']}`"
                                 f" takes it"}
    for status, response in source.get("responses", {}).items():
        if status.startswith("2") and isinstance(response, dict) and "content" in response:
            response.setdefault("links", {})[operation["operationId"]] = definition


def link_all(added: list[Operation], known: list[Operation], schemas: dict[str, dict]) -> None:
    """Link the operations just added with every known one (themselves included), both ways:
    a create may be added before or after the operations its id feeds."""
    for new_path, new in added:
        for path, operation in known:
            link(new, (path, operation), schemas)
            link(operation, (new_path, new), schemas)
