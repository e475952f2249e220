"""The payer directory: which payers a deployment can reach, read from a YAML file.

Each entry is one *route* to a payer. Fields (only ``id``, ``name``, ``payer_id`` and
``adapter`` are required):

- ``id``: what a coverage's ``payer`` field names; ``name``: shown to people and sent in
  NM1*PR (first 60 characters); ``payer_id``: NM109 of loop 2100A, also what a 271's 2120
  loop names when benefits are carved out to this payer.
- ``adapter``: sandbox, core-soap, core-mime, clearinghouse-json, stedi, availity or
  claimmd; ``url`` is required for all but the sandbox (https, or http for a local
  address). docs/connectors.md shows an entry for each clearinghouse.
- ``sender_id`` / ``receiver_id``: ISA06/ISA08 and the CORE SenderID/ReceiverID (defaults:
  COVERWATCH and the payer id). ``trace_originator``: TRN03, 10 characters starting with
  1 or 9 (default: 9 and the first nine letters/digits of the sender id).
- credentials: ``username``/``password`` (CORE), ``client_id``/``client_secret`` and
  ``token_url`` (clearinghouse-json, availity), ``api_key`` (stedi; claimmd's AccountKey),
  each secret given inline or as ``<field>_env`` naming an environment variable. The
  shape is checked at load; a *missing environment variable* is only reported when the
  route is called (PayerError NOT_CONFIGURED), so a developer without secrets can still
  start the app and use the sandbox.
- ``api`` (stedi only, required): ``v3`` (the legacy JSON API) or ``raw-x12`` (our 270 in,
  the payer's 271 out); ``url`` is that endpoint. ``cob_url`` (stedi only, optional):
  Stedi's Coordination of Benefits Check endpoint; a route with one answers COB checks.
- ``scope`` (availity only): the OAuth2 scope, by default the demo scope on a test route
  (``usage: T``) and the production scope otherwise; a demo scope on a production route,
  or the reverse, is refused, so demo and production tokens never mix.
- ``timeout_s`` (default 20, at most 60: CORE's real-time budget is 20 s end to end),
  ``max_concurrency`` (default 10), ``rate_per_s`` (optional, for the nightly job),
  ``breaker_failures`` (default 5) and ``breaker_cooldown_s`` (default 30).
- ``max_reply_bytes`` (default 4 MiB, 1 KiB to 64 MiB): a longer reply is refused unread
  past that point (PAYER_RESPONSE_INVALID); see payers/transport.py.
- ``service_types`` (default ["30"]): what the service should ask this payer about.
- ``usage``: ISA15, T or P; default T for the sandbox and P for every other adapter.
- ``fallback``: the id of another entry tried when this route is down; it must exist and
  fallbacks may not form a cycle. ``sandbox_latency_ms``: sandbox only.
- ``rules``: an optional mapping kept as given (authorization and counting overrides).
- ``payer``: the catalog payer (payers/catalog.py) the route reaches, and ``clearinghouse``
  (default: the adapter's name) whose alias for that payer is the route's ``payer_id``;
  ``name`` and ``payer_id`` then default to the payer's. A route with a ``payer`` and no
  ``fallback`` fails over to the next route listed for the same payer, and an explicit
  ``fallback`` must reach the same payer. An entry without ``payer`` is a payer of its own
  with this one route (the directory format before the catalog; it keeps working).

Any other field is refused, so that a misspelt ``timout_s`` cannot silently fall back to a
default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from payers.catalog import Payer
from payers.directory_fields import DirectoryError, FieldReader
from payers.directory_payers import same_payer_fallbacks, with_payer
from payers.transport import MAX_REPLY_BYTES

ADAPTERS = ("sandbox", "core-soap", "core-mime", "clearinghouse-json", "stedi", "availity",
            "claimmd")
STEDI_APIS = ("v3", "raw-x12")
AVAILITY_SCOPES = {"T": "healthcare-hipaa-transactions-demo",
                   "P": "healthcare-hipaa-transactions"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_TIMEOUT_S = 60.0
REPLY_BYTES_RANGE = (1024, 64 * 1024 * 1024)
SECRETS = ("username", "password", "client_id", "client_secret", "api_key")
NEEDED = {"core-soap": ("username", "password"), "core-mime": ("username", "password"),
          "clearinghouse-json": ("client_id", "client_secret"),
          "availity": ("client_id", "client_secret"), "stedi": ("api_key",),
          "claimmd": ("api_key",)}

__all__ = ["ADAPTERS", "DirectoryError", "PayerEntry", "load_directory", "parse_directory"]


@dataclass(frozen=True, kw_only=True)
class PayerEntry:
    id: str
    name: str
    payer_id: str
    adapter: str
    url: str | None = None
    sender_id: str = "COVERWATCH"
    receiver_id: str | None = None
    trace_originator: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    username_env: str | None = None
    password_env: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    client_id_env: str | None = None
    client_secret_env: str | None = None
    token_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    api_key_env: str | None = None
    api: str | None = None
    cob_url: str | None = None
    scope: str | None = None
    timeout_s: float = 20.0
    max_concurrency: int = 10
    rate_per_s: float | None = None
    breaker_failures: int = 5
    breaker_cooldown_s: float = 30.0
    service_types: tuple[str, ...] = ("30",)
    usage: str | None = None
    fallback: str | None = None
    sandbox_latency_ms: int | None = None
    rules: Mapping[str, Any] = field(default_factory=dict)
    max_reply_bytes: int = MAX_REPLY_BYTES
    payer: str | None = None
    clearinghouse: str | None = None

    @property
    def payer_key(self) -> str:
        """The payer the route reaches: its catalog payer, else the entry itself."""
        return self.payer or self.id

    @property
    def isa_receiver(self) -> str:
        return self.receiver_id or self.payer_id

    @property
    def isa_usage(self) -> str:
        return self.usage or ("T" if self.adapter == "sandbox" else "P")

    @property
    def oauth_scope(self) -> str | None:
        """The scope a token is asked for (availity: the one of the route's usage)."""
        if self.adapter != "availity":
            return None
        return self.scope or AVAILITY_SCOPES[self.isa_usage]

    @property
    def trn_originator(self) -> str:
        if self.trace_originator:
            return self.trace_originator
        letters = "".join(c for c in self.sender_id.upper() if c.isascii() and c.isalnum())
        return "9" + letters[:9].ljust(9, "0")

    def secret(self, name: str) -> str | None:
        """A credential, inline or read from its environment variable now (None if unset)."""
        inline = getattr(self, name)
        if inline:
            return str(inline)
        variable = getattr(self, f"{name}_env")
        if not variable:
            return None
        return os.environ.get(variable) or None


def load_directory(path: Path, *,
                   catalog: Mapping[str, Payer] | None = None) -> dict[str, PayerEntry]:
    """Read and validate the directory (its routes' ``payer`` fields naming `catalog`
    payers); DirectoryError names the file, entry and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DirectoryError(f"payer directory {path} does not exist") from exc
    except yaml.YAMLError as exc:
        raise DirectoryError(f"payer directory {path} is not valid YAML: {exc}") from exc
    return parse_directory(raw, source=str(path), catalog=catalog)


def parse_directory(raw: Any, *, source: str = "payer directory",
                    catalog: Mapping[str, Payer] | None = None) -> dict[str, PayerEntry]:
    """Validate an already-loaded directory document (``{"payers": [...]}``)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("payers"), list):
        raise DirectoryError(f"payer directory {source} must have a top-level 'payers' list")
    entries: dict[str, PayerEntry] = {}
    for index, item in enumerate(raw["payers"]):
        entry = _entry(with_payer(item, catalog or {}, where=f"{source}: payers[{index}]"),
                       where=f"{source}: payers[{index}]")
        if entry.id in entries:
            raise DirectoryError(f"{source}: payers[{index}]: id '{entry.id}' is listed twice")
        entries[entry.id] = entry
    for route, fallback in same_payer_fallbacks(entries, source).items():
        entries[route] = replace(entries[route], fallback=fallback)
    _check_fallbacks(entries, source)
    return entries


def _entry(item: Any, *, where: str) -> PayerEntry:
    if not isinstance(item, dict):
        raise DirectoryError(f"{where}: each payer is a mapping")
    missing = [k for k in ("id", "name", "payer_id", "adapter") if not item.get(k)]
    if missing:
        raise DirectoryError(f"{where}: missing {', '.join(missing)}")
    if not ID_RE.match(str(item["id"])):
        raise DirectoryError(f"{where}: id must be lower-case letters, digits, - or _")
    where = f"{where} ({item['id']})"
    if item["adapter"] not in ADAPTERS:
        raise DirectoryError(f"{where}: adapter must be one of {', '.join(ADAPTERS)}")
    f = FieldReader(item, where)
    adapter = str(item["adapter"])
    entry = PayerEntry(
        id=str(item["id"]), name=str(item["name"]), payer_id=f.text("payer_id", max_len=80) or "",
        adapter=adapter,
        url=f.url("url", required=adapter != "sandbox"),
        sender_id=f.text("sender_id", max_len=15) or "COVERWATCH",
        receiver_id=f.text("receiver_id", max_len=15),
        trace_originator=f.originator("trace_originator"),
        username=f.text("username"), password=f.text("password"),
        username_env=f.env_name("username_env"), password_env=f.env_name("password_env"),
        client_id=f.text("client_id"), client_secret=f.text("client_secret"),
        client_id_env=f.env_name("client_id_env"),
        client_secret_env=f.env_name("client_secret_env"),
        token_url=f.url("token_url", required=adapter in ("clearinghouse-json", "availity")),
        api_key=f.text("api_key"), api_key_env=f.env_name("api_key_env"),
        api=f.choice("api", STEDI_APIS), cob_url=f.url("cob_url", required=False),
        scope=f.text("scope"),
        timeout_s=f.number("timeout_s", default=20.0, low=0.1, high=MAX_TIMEOUT_S),
        max_concurrency=f.integer("max_concurrency", default=10, low=1, high=1000),
        rate_per_s=f.optional_number("rate_per_s", low=0.001, high=10_000),
        breaker_failures=f.integer("breaker_failures", default=5, low=1, high=1000),
        breaker_cooldown_s=f.number("breaker_cooldown_s", default=30.0, low=0.0, high=3600),
        service_types=f.service_types("service_types"),
        usage=f.choice("usage", ("P", "T")),
        fallback=f.text("fallback"),
        sandbox_latency_ms=f.optional_integer("sandbox_latency_ms", low=0, high=120_000),
        rules=f.mapping("rules"),
        max_reply_bytes=f.integer("max_reply_bytes", default=MAX_REPLY_BYTES,
                                  low=REPLY_BYTES_RANGE[0], high=REPLY_BYTES_RANGE[1]),
        payer=f.text("payer", max_len=64), clearinghouse=f.text("clearinghouse", max_len=32),
    )
    f.reject_unknown()
    _check_credentials(entry, item, where)
    return entry


def _check_credentials(entry: PayerEntry, item: dict[str, Any], where: str) -> None:
    for name in SECRETS:
        if item.get(name) and item.get(f"{name}_env"):
            raise DirectoryError(f"{where}: give {name} or {name}_env, not both")
    for name in NEEDED.get(entry.adapter, ()):
        if not item.get(name) and not item.get(f"{name}_env"):
            raise DirectoryError(f"{where}: {entry.adapter} needs {name} or {name}_env")
    if entry.sandbox_latency_ms is not None and entry.adapter != "sandbox":
        raise DirectoryError(f"{where}: sandbox_latency_ms is for the sandbox adapter only")
    _check_connector_fields(entry, where)


def _check_connector_fields(entry: PayerEntry, where: str) -> None:
    """``api`` belongs to stedi (which needs it), ``scope`` to availity, where it must be
    the scope of the route's usage: demo data never answers a production route."""
    if (entry.api is None) != (entry.adapter != "stedi"):
        raise DirectoryError(f"{where}: api ({', '.join(STEDI_APIS)}) is required for the "
                             f"stedi adapter and only for it")
    if entry.cob_url is not None and entry.adapter != "stedi":
        raise DirectoryError(f"{where}: cob_url is for the stedi adapter only")
    if entry.scope is not None and entry.adapter != "availity":
        raise DirectoryError(f"{where}: scope is for the availity adapter only")
    if entry.adapter == "availity" and entry.scope is not None:
        demo = entry.scope.endswith("-demo")
        if demo != (entry.isa_usage == "T"):
            raise DirectoryError(f"{where}: scope {'is' if demo else 'is not'} a demo scope "
                                 f"but usage is {entry.isa_usage}: demo and production are "
                                 f"kept apart")


def _check_fallbacks(entries: dict[str, PayerEntry], source: str) -> None:
    for index, entry in enumerate(entries.values()):
        if entry.fallback is None:
            continue
        where = f"{source}: payers[{index}] ({entry.id}): fallback"
        if entry.fallback == entry.id:
            raise DirectoryError(f"{where} names the entry itself")
        if entry.fallback not in entries:
            raise DirectoryError(f"{where} names '{entry.fallback}', which is not listed")
        seen = {entry.id}
        step: str | None = entry.fallback
        while step is not None:
            if step in seen:
                raise DirectoryError(f"{where} leads back to '{step}' (a fallback cycle)")
            seen.add(step)
            step = entries[step].fallback
