"""The EHR's FHIR data a hook call needs: from its prefetch, else read from its FHIR server."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from service.cds.outbound import FetchFailed, get_json


class FhirDataUnavailable(Exception):  # noqa: N818 - an answer (412), not a failure of ours
    """Neither the prefetch nor the EHR's FHIR server gave what the service needs."""


def render(template: str, patient_id: str) -> str:
    """A prefetch template with the one token the services use filled in."""
    return template.replace("{{context.patientId}}", quote(patient_id, safe=""))


@dataclass
class EhrData:
    """Prefetched resources by key, and the FHIR server (with its token) for the rest."""

    prefetch: Mapping[str, Any]
    templates: Mapping[str, str]
    patient_id: str
    server: str | None
    token: str | None
    allow_private: bool
    fetch: Callable[..., Any] = get_json
    fetched: list[str] = field(default_factory=list)  # the keys read from the server

    def get(self, key: str) -> Any:
        """The resource (or Bundle) of a prefetch key; FhirDataUnavailable when neither the
        prefetch (absent or null) nor the server has it."""
        found = self.prefetch.get(key)
        if found is not None:
            return found
        if self.server is None:
            raise FhirDataUnavailable(f"The prefetch '{key}' is missing and no fhirServer "
                                      "was given to read it from.")
        url = f"{self.server.rstrip('/')}/{render(self.templates[key], self.patient_id)}"
        headers = {"Accept": "application/fhir+json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            found = self.fetch(url, allow_private=self.allow_private, headers=headers)
        except FetchFailed as error:
            raise FhirDataUnavailable(f"The '{key}' data could not be read from the "
                                      f"fhirServer: {error}.") from error
        self.fetched.append(key)
        return found
