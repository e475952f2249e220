"""CDS Hooks schemas: the EHRs registered to call the services, and a hook call's envelope."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from schemas.common import CursorPageOut, Strict

JWKS_DESCRIPTION = ("The EHR's public keys as a JSON Web Key Set ({\"keys\": [...]}): EC P-384 "
                    "keys for ES384, RSA keys for RS384; public keys only")


class CdsClientIn(Strict):
    issuer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255),
                              metadata={"description": "The `iss` claim of the EHR's JWTs; "
                                                       "unique across the service"})
    jwks = ma.fields.Dict(load_default=None, metadata={"description": JWKS_DESCRIPTION + "; "
                                                       "give this or jwks_url"})
    jwks_url = ma.fields.Url(load_default=None, require_tld=False, schemes={"http", "https"},
                             validate=ma.validate.Length(max=2000), metadata={
                                 "description": "Where the EHR publishes its JWK Set (https); "
                                                "fetched when needed and kept five minutes"})

    @ma.validates_schema
    def _one_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if (data.get("jwks") is None) == (data.get("jwks_url") is None):
            raise ma.ValidationError("Give the keys inline (jwks) or their URL (jwks_url), "
                                     "not both.", "jwks")


class CdsClientOut(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={
        "description": "The client's id: the audit log names its calls cds_client:<id>"})
    issuer = ma.fields.String(required=True, metadata={"description": "The JWTs' `iss`"})
    jwks = ma.fields.Dict(required=True, allow_none=True, metadata={
        "description": JWKS_DESCRIPTION + "; null when jwks_url is given"})
    jwks_url = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "The JWK Set's URL; null when the keys are inline"})
    created_at = ma.fields.AwareDateTime(required=True, metadata={
        "description": "When the client was registered"})
    created_by = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "Who registered it: api_key:<id>"})


class CdsClientList(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(CdsClientOut), required=True, metadata={
        "description": "The practice's CDS clients, newest first"})


class FhirAuthorizationIn(ma.Schema):
    """The EHR's OAuth 2.0 token for its FHIR server (unknown members are the EHR's own)."""

    class Meta:
        unknown = ma.EXCLUDE

    access_token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=8192))
    token_type = ma.fields.String(required=True, validate=ma.validate.Equal("Bearer"))
    expires_in = ma.fields.Integer(required=True)
    scope = ma.fields.String(required=True)
    subject = ma.fields.String(required=True)


class HookRequestIn(ma.Schema):
    """A CDS Hooks 2.0 request. Members this service does not know (extensions) are ignored,
    as the specification asks."""

    class Meta:
        unknown = ma.EXCLUDE

    hook = ma.fields.String(required=True)
    hookInstance = ma.fields.UUID(required=True)  # noqa: N815 - the specification's name
    fhirServer = ma.fields.Url(load_default=None, require_tld=False,  # noqa: N815
                               schemes={"http", "https"})
    fhirAuthorization = ma.fields.Nested(FhirAuthorizationIn,  # noqa: N815
                                         load_default=None, allow_none=True)
    context = ma.fields.Dict(required=True)
    prefetch = ma.fields.Dict(keys=ma.fields.String(), load_default=dict, allow_none=True)

    @ma.validates_schema
    def _server_with_token(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("fhirAuthorization") is not None and data.get("fhirServer") is None:
            raise ma.ValidationError("fhirAuthorization needs a fhirServer.", "fhirServer")
