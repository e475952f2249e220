"""The FHIR R4 facade's side of the core: our records as FHIR R4B resources, and back."""
