"""The JWT an EHR signs for every CDS Hooks call: checked against its issuer's registered keys.

CDS Hooks 2.0: `Authorization: Bearer <JWT>`, signed with the EHR's private key (ES384 or
RS384 here; `none` and shared-secret HMAC are refused), claims `iss`, `aud` (the service's
endpoint URL), `exp`, `iat` and `jti`. The issuer names the practice (POST /v1/cds-clients).
A token lives at most five minutes, and its `jti` is remembered in the database until it
expires, so a replay is refused by every worker. Times are judged by the service's clock.
"""

from __future__ import annotations

import binascii
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from jwt.algorithms import get_default_algorithms
from jwt.utils import base64url_decode

from service.cds.outbound import FetchFailed, get_json
from service.db.cds import Admission, CdsReads
from service.db.uow import UnitOfWork
from service.practice.access import Caller

ALGORITHMS = {"ES384": "EC", "RS384": "RSA"}
VERIFIERS = {name: get_default_algorithms()[name] for name in ALGORITHMS}
REQUIRED = ("iss", "aud", "exp", "iat", "jti")
# Clocks of two machines differ a little.
LEEWAY = timedelta(seconds=60)
MAX_LIFETIME = timedelta(minutes=5)
# A JWK Set fetched from its URL is kept this long; a token naming a key it lacks fetches
# it again (a key rotated), at most once per REFETCH_AFTER_S.
KEYS_TTL_S = 300.0
REFETCH_AFTER_S = 30.0
PRUNE_EVERY_S = 60.0
MAX_KEYS = 20
MAX_JWKS_CHARS = 64 * 1024
# What a CDS client may do: read verdicts, and add the patient or coverage it books for.
CDS_SCOPES = frozenset({"read", "write"})


class TokenRefused(Exception):  # noqa: N818 - an answer (401), not a failure of ours
    """The token is not accepted; `reason` is a stable code for the EHR's integrators."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class PublicKey:
    """One key of a JWK Set: what picks it for a token, and the key that verifies."""

    kid: str | None
    kty: str
    alg: str | None
    key: Any


@dataclass(frozen=True)
class Client:
    id: uuid.UUID
    practice_id: uuid.UUID
    issuer: str
    jwks: dict[str, Any] | None
    jwks_url: str | None


def usable_keys(jwks: Any) -> list[PublicKey]:
    """The keys of a JWK Set that can verify ES384 or RS384 signatures; ValueError (its
    message for the administrator) when there are none."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError("A JWK Set is an object with a list of keys: {\"keys\": [...]}.")
    # An EHR publishes a few keys (the current one, the next); a set is parsed per process.
    if len(jwks["keys"]) > MAX_KEYS or len(json.dumps(jwks)) > MAX_JWKS_CHARS:
        raise ValueError(f"A JWK Set holds at most {MAX_KEYS} keys and "
                         f"{MAX_JWKS_CHARS} characters.")
    keys = []
    for entry in jwks["keys"]:
        if not isinstance(entry, dict) or "d" in entry or "k" in entry:
            # A private or a shared secret key has no place in a published set.
            raise ValueError("The JWK Set may hold public keys only.")
        alg = entry.get("alg")
        if alg not in (None, *ALGORITHMS) or entry.get("kty") not in ALGORITHMS.values() \
                or (entry.get("kty") == "EC" and entry.get("crv") != "P-384"):
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWTError, TypeError, ValueError, KeyError):
            # A key whose members do not make a key (wrong types, bad base64, no curve
            # point) is skipped like one of another type.
            continue
        if key.key_type in ALGORITHMS.values():
            keys.append(PublicKey(kid=key.key_id, kty=str(key.key_type), alg=entry.get("alg"),
                                  key=key.key))
    if not keys:
        raise ValueError("The JWK Set holds no EC (P-384) or RSA public key for ES384 or RS384.")
    return keys


@dataclass(frozen=True)
class Verified:
    """A token whose signature, audience and times hold; its jti not yet recorded."""

    token: str
    audience: str
    client: Client
    jti: str
    expires: datetime
    fresh: bool  # judged against the client as read from the database just now


class TokenVerifier:
    """Verifies tokens; keeps each client's parsed keys so a call costs one signature check."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], reads: CdsReads,
                 clock: Callable[[], datetime], allow_private: bool,
                 fetch: Callable[..., Any] = get_json) -> None:
        self.uow, self.reads, self.clock = uow, reads, clock
        self.allow_private, self.fetch = allow_private, fetch
        self._keys: dict[uuid.UUID, tuple[str, float, list[PublicKey]]] = {}
        # Clients by issuer as last read: the statement recording a token's jti confirms
        # the client is still registered, so a deleted one is refused at its next call.
        self._clients: dict[str, Client] = {}
        self._lock = threading.Lock()
        self._pruned = 0.0

    def verify(self, token: str, *, audience: str, fresh: bool = False) -> Verified:
        """A token signed by its issuer's key, for this service, within its times;
        TokenRefused else. Its jti is not recorded yet: `admit` does, with the call's read.
        `fresh`: judge against the client read again, not the one kept in memory."""
        try:
            unverified = jwt.decode_complete(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise TokenRefused("TOKEN_MALFORMED", "The bearer token is not a JWT.") from error
        header, claims = unverified["header"], unverified["payload"]
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise TokenRefused("ALGORITHM_REFUSED",
                               "The JWT must be signed with ES384 or RS384.")
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or not issuer:
            raise TokenRefused("CLAIM_MISSING", "The JWT has no iss claim.")
        # The client kept in memory may have been deleted or registered anew (other keys)
        # since: a token it refuses is judged once more against the client read again.
        for again in ((True,) if fresh else (False, True)):
            client = self._client(issuer, fresh=again)
            try:
                self._check_signature(token, claims, client, alg, header.get("kid"), audience)
            except TokenRefused as refused:
                if again or refused.reason not in ("KEY_UNKNOWN", "SIGNATURE_INVALID"):
                    raise
                continue
            return Verified(token=token, audience=audience, client=client,
                            jti=str(claims.get("jti")), expires=self._judge_times(claims),
                            fresh=again)
        raise AssertionError("unreachable: the fresh client's refusal is raised")

    def admit(self, verified: Verified, *, external_id: str) -> tuple[Caller, Admission]:
        """Record the token's jti (TokenRefused on a replay, or when its client is gone) and
        read the patient with the EHR's id, in one statement on PostgreSQL."""
        for attempt in (verified, None):
            if attempt is None:
                if verified.fresh:
                    break
                # The client kept in memory may be gone, or registered anew: read it again.
                attempt = self.verify(verified.token, audience=verified.audience, fresh=True)
            client = attempt.client
            found = self.reads.admit(client_id=client.id, issuer=client.issuer,
                                     jti=attempt.jti, expires_at=attempt.expires,
                                     practice_id=client.practice_id, external_id=external_id)
            if found.admitted:
                self._prune()
                return Caller(practice_id=client.practice_id, actor=f"cds_client:{client.id}",
                              scopes=CDS_SCOPES), found
        raise TokenRefused("TOKEN_REPLAYED", "This JWT's jti was used before.")

    def _client(self, issuer: str, *, fresh: bool) -> Client:
        with self._lock:
            kept = None if fresh else self._clients.get(issuer)
        if kept is not None:
            return kept
        with self.uow() as work:
            row = work.cds_clients.by_issuer(issuer)
            if row is None:
                with self._lock:
                    self._clients.pop(issuer, None)
                raise TokenRefused("ISSUER_UNKNOWN", "No CDS client is registered with this "
                                   "JWT's issuer (POST /v1/cds-clients).")
            client = Client(id=row.id, practice_id=row.practice_id, issuer=row.issuer,
                            jwks=row.jwks, jwks_url=row.jwks_url)
        with self._lock:
            self._clients[issuer] = client
        return client

    def _check_signature(self, token: str, claims: dict[str, Any], client: Client, alg: str,
                         kid: Any, audience: str) -> None:
        """TokenRefused unless one of the client's keys signed the token, for this service.

        The token was decoded once already (verify); its signature is checked here with
        PyJWT's own ES384 or RS384 implementation, so the token is not decoded again."""
        candidates = self._candidates(client, alg, kid, refresh=False)
        if not candidates and client.jwks_url:
            candidates = self._candidates(client, alg, kid, refresh=True)
        if not candidates:
            raise TokenRefused("KEY_UNKNOWN", "None of the issuer's keys matches the JWT's "
                               "kid and algorithm.")
        signing_input, _, encoded = token.rpartition(".")
        try:
            signature = base64url_decode(encoded)
        except (ValueError, binascii.Error) as error:
            raise TokenRefused("TOKEN_MALFORMED", "The JWT's signature is not base64url.") \
                from error
        verifier = VERIFIERS[alg]
        if not any(verifier.verify(signing_input.encode(), key.key, signature)
                   for key in candidates):
            raise TokenRefused("SIGNATURE_INVALID", "The JWT's signature does not verify "
                               "with the issuer's keys.")
        missing = [name for name in REQUIRED if name not in claims]
        if missing:
            raise TokenRefused("CLAIM_MISSING", f"The JWT has no {missing[0]} claim.")
        aud = claims["aud"]
        if aud != audience and not (isinstance(aud, list) and audience in aud):
            raise TokenRefused("AUDIENCE_MISMATCH", "The JWT's aud must be this service's "
                               "endpoint URL.")

    def _judge_times(self, claims: dict[str, Any]) -> datetime:
        exp, iat, jti = claims.get("exp"), claims.get("iat"), claims.get("jti")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (exp, iat)):
            raise TokenRefused("TOKEN_MALFORMED", "exp and iat must be numbers of seconds.")
        if not isinstance(jti, str) or not 1 <= len(jti) <= 255:
            raise TokenRefused("TOKEN_MALFORMED", "jti must be a string of 1 to 255 "
                               "characters.")
        now = self.clock()
        try:
            expires = datetime.fromtimestamp(float(exp), UTC)  # type: ignore[arg-type]
            issued = datetime.fromtimestamp(float(iat), UTC)  # type: ignore[arg-type]
        except (OverflowError, OSError, ValueError) as error:
            raise TokenRefused("TOKEN_MALFORMED", "exp or iat is out of range.") from error
        if expires < now - LEEWAY:
            raise TokenRefused("TOKEN_EXPIRED", "The JWT has expired.")
        if issued > now + LEEWAY:
            raise TokenRefused("TOKEN_NOT_YET_VALID", "The JWT is issued in the future.")
        if expires > now + MAX_LIFETIME + LEEWAY:
            raise TokenRefused("TOKEN_TOO_LONG_LIVED", "The JWT must expire within five "
                               "minutes.")
        return expires + LEEWAY

    def _prune(self) -> None:
        """Forget expired token ids, at most once a minute per process."""
        if time.monotonic() - self._pruned < PRUNE_EVERY_S:
            return
        self._pruned = time.monotonic()
        with self.uow() as work:
            work.cds_clients.forget_jtis(expired_before=self.clock())
            work.commit()

    def _candidates(self, client: Client, alg: str, kid: Any, *,
                    refresh: bool) -> list[PublicKey]:
        keys = self._client_keys(client, refresh=refresh)
        return [key for key in keys if key.kty == ALGORITHMS[alg] and key.alg in (None, alg)
                and (kid is None or key.kid == kid)]

    def _client_keys(self, client: Client, *, refresh: bool) -> list[PublicKey]:
        source = client.jwks_url or json.dumps(client.jwks, sort_keys=True)
        now = time.monotonic()
        with self._lock:
            kept = self._keys.get(client.id)
        if kept is not None and kept[0] == source:
            age = now - kept[1]
            if client.jwks_url is None or (age < KEYS_TTL_S and
                                           not (refresh and age > REFETCH_AFTER_S)):
                return kept[2]
        jwks = client.jwks
        if client.jwks_url is not None:
            try:
                jwks = self.fetch(client.jwks_url, allow_private=self.allow_private)
            except FetchFailed as error:
                raise TokenRefused("KEYS_UNAVAILABLE", "The issuer's JWK Set could not be "
                                   f"fetched: {error}.") from error
        try:
            keys = usable_keys(jwks)
        except ValueError as error:
            raise TokenRefused("KEYS_UNAVAILABLE", str(error)) from error
        with self._lock:
            self._keys[client.id] = (source, now, keys)
        return keys
