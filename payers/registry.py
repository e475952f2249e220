"""The payer registry: one adapter, circuit breaker and concurrency cap per directory route.

``check(route_id, query, origin=...)`` applies, in order: the route's circuit breaker (fail
fast while open for everyone or for the origin's tenant), the fair-share bounds (a tenant's
share of the cap, the threads one route may hold: BUSY at once past them), its concurrency
cap (wait for a slot up to the route's timeout, else BUSY), the adapter call. When the
route is down -- circuit open, a connection that failed before anything was delivered, or
an HTTP 5xx/503 after the transport's immediate retries, or a 429/503 asking us to come
back later (BUSY: nothing was processed) -- and its entry names a
``fallback``, the same query goes to the fallback route (and on to
its fallback). A timeout, a broken connection after sending, or a bad reply never fails
over: the 270 may be at the payer, and sending it elsewhere would double the inquiry.

Every PayerError it raises carries an exchange: the raw request ("" when nothing was
built: unknown route, circuit open, busy) and whatever came back.

Thread-safe: adapters keep no per-call state, and breakers, caps and token caches lock
internally.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TypeVar

import requests

from payers.adapters.availity import AvailityAdapter
from payers.adapters.claimmd import ClaimMdAdapter
from payers.adapters.clearinghouse import ClearinghouseAdapter
from payers.adapters.core import CoreAdapter
from payers.adapters.sandbox import SandboxAdapter
from payers.adapters.stedi import stedi_adapter
from payers.adapters.stedi.cob import StediCobAdapter
from payers.base import (
    UNKNOWN_ORIGIN,
    EligibilityAdapter,
    EligibilityAnswer,
    EligibilityQuery,
    Exchange,
    Origin,
    PayerError,
    PayerErrorCode,
)
from payers.breaker import NO_TRIAL, CircuitBreaker
from payers.caps import ConcurrencyCap
from payers.catalog import Payer
from payers.cob import CobAdapter, CobAnswer, CobQuery
from payers.directory import PayerEntry
from payers.transport import RETRY_STATUSES

# Waits (without a time limit) until the route may be called: a caller's own cap and pace,
# e.g. one shared by many processes, around each call to the payer and nothing else.
Gate = Callable[[str], AbstractContextManager[None]]
Answer = TypeVar("Answer")


def build_adapter(entry: PayerEntry, *, session: requests.Session,
                  sleep: Callable[[float], None] = time.sleep) -> EligibilityAdapter:
    """The adapter the entry's ``adapter`` field names."""
    if entry.adapter == "sandbox":
        return SandboxAdapter(entry=entry, sleep=sleep)
    if entry.adapter in ("core-soap", "core-mime"):
        return CoreAdapter(entry=entry, session=session, sleep=sleep)
    if entry.adapter == "clearinghouse-json":
        return ClearinghouseAdapter(entry=entry, session=session, sleep=sleep)
    if entry.adapter == "stedi":
        return stedi_adapter(entry=entry, session=session, sleep=sleep)
    if entry.adapter == "availity":
        return AvailityAdapter(entry=entry, session=session, sleep=sleep)
    if entry.adapter == "claimmd":
        return ClaimMdAdapter(entry=entry, session=session, sleep=sleep)
    raise ValueError(f"unknown adapter {entry.adapter!r}")


def build_cob_adapters(entries: Mapping[str, PayerEntry], *, session: requests.Session,
                       sleep: Callable[[float], None] = time.sleep) -> dict[str, CobAdapter]:
    """A COB adapter for each route that names a COB endpoint (stedi's ``cob_url``)."""
    return {route: StediCobAdapter(entry=entry, session=session, sleep=sleep)
            for route, entry in entries.items()
            if entry.adapter == "stedi" and entry.cob_url}


def pooled_session(entries: dict[str, PayerEntry]) -> requests.Session:
    """One Session for every route, its pools as large as the largest concurrency cap: a
    smaller pool would open (and throw away) a new connection for every call past it."""
    size = max([entry.max_concurrency for entry in entries.values()] + [10])
    session = requests.Session()
    # The transport passes the environment's proxies and CA bundle, read once per URL
    # (payers.transport.environment_settings); trusting the environment here would re-read
    # them on every call. (~/.netrc is not used: payers authenticate in their envelopes.)
    session.trust_env = False
    for prefix in ("https://", "http://"):
        session.mount(prefix, requests.adapters.HTTPAdapter(pool_connections=16,
                                                            pool_maxsize=size))
    return session


class PayerRegistry:
    """Every route of the directory, ready to be called from any thread."""

    def __init__(self, *, entries: dict[str, PayerEntry],
                 adapters: dict[str, EligibilityAdapter],
                 clock: Callable[[], float] = time.monotonic,
                 catalog: Mapping[str, Payer] | None = None,
                 cob: Mapping[str, CobAdapter] | None = None) -> None:
        self.entries = dict(entries)
        self._cob = dict(cob or {})
        self._payers = payers_of(self.entries, catalog or {})
        # A coverage may name a catalog payer instead of one of its routes: its first
        # route listed answers (and fails over along the payer's other routes).
        self._first_route: dict[str, str] = {}
        for route, entry in self.entries.items():
            self._first_route.setdefault(entry.payer_key, route)
        self._adapters = dict(adapters)
        self._breakers = {
            route: CircuitBreaker(route=route, failures=entry.breaker_failures,
                                  cooldown_s=entry.breaker_cooldown_s, clock=clock)
            for route, entry in self.entries.items()}
        self._caps = {route: ConcurrencyCap(route=route, limit=entry.max_concurrency)
                      for route, entry in self.entries.items()}
        self._gate: Gate | None = None
        # Fair-share bounds (payers.caps), off until `fair` sets them.
        self._tenant_share: float | None = None
        self._held_limit: int | None = None
        self._by_payer_id: dict[str, str] = {}
        for route, entry in self.entries.items():
            # The first entry listed for a payer id is its primary route.
            self._by_payer_id.setdefault(entry.payer_id.strip().upper(), route)

    @classmethod
    def from_directory(cls, entries: dict[str, PayerEntry], *,
                       session: requests.Session | None = None,
                       clock: Callable[[], float] | None = None,
                       sleep: Callable[[float], None] = time.sleep,
                       catalog: Mapping[str, Payer] | None = None) -> PayerRegistry:
        """Build every route's adapter; one shared Session pools connections per host."""
        shared = session if session is not None else pooled_session(entries)
        adapters = {route: build_adapter(entry, session=shared, sleep=sleep)
                    for route, entry in entries.items()}
        return cls(entries=entries, adapters=adapters, clock=clock or time.monotonic,
                   catalog=catalog,
                   cob=build_cob_adapters(entries, session=shared, sleep=sleep))

    def gated(self, gate: Gate) -> PayerRegistry:
        """This registry (same adapters, breakers and caps) with every payer call passing
        through `gate` first."""
        twin = copy.copy(self)
        twin._gate = gate
        return twin

    def fair(self, *, tenant_share: float | None, held_limit: int | None) -> PayerRegistry:
        """This registry (same adapters, breakers and caps) with the fair-share bounds: a
        tenant holds at most `tenant_share` of a route's max_concurrency (at least 1), and at
        most `held_limit` non-batch checks hold or wait for one route."""
        twin = copy.copy(self)
        twin._tenant_share, twin._held_limit = tenant_share, held_limit
        return twin

    def tenant_limit(self, route_id: str) -> int | None:
        """The checks one tenant may have in flight or waiting on the route (None: no limit)."""
        if self._tenant_share is None:
            return None
        return max(1, int(self._tenant_share * self.entry(route_id).max_concurrency))

    @property
    def held_limit(self) -> int | None:
        return self._held_limit

    def ids(self) -> list[str]:
        """What a coverage may name: every route, and every catalog payer with a route."""
        return list(self.entries) + [p for p in self._first_route if p not in self.entries]

    def route_of(self, name: str) -> str:
        """The route a coverage's `name` leads to: the route itself, or a payer's first."""
        return name if name in self.entries else self._first_route.get(name, name)

    def entry(self, route_id: str) -> PayerEntry:
        """The directory entry (of a payer's first route); KeyError for an unknown id."""
        return self.entries[self.route_of(route_id)]

    def payers(self) -> list[Payer]:
        """Every payer reached by some route (an entry without a catalog payer is one)."""
        return [self._payers[key] for key in self._first_route]

    def routes_of(self, payer: str) -> list[str]:
        """The routes reaching `payer`, in the order they are tried."""
        return [route for route, entry in self.entries.items() if entry.payer_key == payer]

    def route_for_payer_id(self, x12_payer_id: str) -> str | None:
        """The route whose ``payer_id`` is the one a 271's 2120 loop named (carve-outs)."""
        return self._by_payer_id.get(x12_payer_id.strip().upper())

    def breaker_state(self, route_id: str, tenant: str | None = None) -> str:
        """The route's circuit as `tenant`'s checks find it."""
        return self._breakers[self.route_of(route_id)].state_for(tenant)

    def peak_concurrency(self, route_id: str) -> int:
        return self._caps[route_id].peak

    def peak_held(self, route_id: str) -> int:
        """The most non-batch checks that ever held or waited for the route at once."""
        return self._caps[route_id].peak_held

    def check(self, route_id: str, query: EligibilityQuery, *,
              origin: Origin = UNKNOWN_ORIGIN) -> EligibilityAnswer:
        """Ask the route (failing over when it is down) for `origin`; raises PayerError."""
        route_id = self.route_of(route_id)
        if route_id not in self.entries:
            raise PayerError(PayerErrorCode.NOT_CONFIGURED, "no such payer route",
                             route=route_id, reached_payer=False,
                             exchange=Exchange(route=route_id, request=""))
        tried: list[str] = []
        failures: list[PayerError] = []
        route = route_id
        while True:
            tried.append(route)
            try:
                answer = self._check_route(route, query, origin)
            except PayerError as err:
                failures.append(err)
                fallback = self.entries[route].fallback
                if fallback is None or fallback in tried or not fails_over(err):
                    raise self._final(err, tried, failures) from err
                route = fallback
                continue
            return replace(answer, routes_tried=tuple(tried),
                           earlier_failures=tuple(failures))

    def supports_cob(self, route_id: str) -> bool:
        """Whether the route (or a payer's first route) answers COB checks."""
        return self.route_of(route_id) in self._cob

    def check_cob(self, route_id: str, query: CobQuery, *,
                  origin: Origin = UNKNOWN_ORIGIN) -> CobAnswer:
        """A COB check through the route, under its breaker and cap like an eligibility
        check (never failed over: another route's clearinghouse may have no COB endpoint);
        raises PayerError, NOT_CONFIGURED when the route has no COB endpoint."""
        route = self.route_of(route_id)
        adapter = self._cob.get(route)
        if adapter is None:
            raise PayerError(PayerErrorCode.NOT_CONFIGURED, "the route has no COB endpoint",
                             route=route, reached_payer=False,
                             exchange=Exchange(route=route, request=""))
        with self._gate(route) if self._gate is not None else nullcontext():
            return self._admitted(route, origin, lambda: adapter.check(query))

    def _check_route(self, route: str, query: EligibilityQuery,
                     origin: Origin) -> EligibilityAnswer:
        with self._gate(route) if self._gate is not None else nullcontext():
            return self._admitted(route, origin, lambda: self._adapters[route].check(query))

    def _admitted(self, route: str, origin: Origin, call: Callable[[], Answer]) -> Answer:
        breaker, cap = self._breakers[route], self._caps[route]
        trial = NO_TRIAL
        try:
            trial = breaker.admit(origin)
            with cap.slot(wait_s=self.entries[route].timeout_s, origin=origin,
                          tenant_limit=self.tenant_limit(route), held_limit=self._held_limit):
                answer = call()
        except PayerError as err:
            if err.exchange is None:  # CIRCUIT_OPEN, BUSY: nothing built or sent
                err.exchange = Exchange(route=route, request="")
            if err.code in (PayerErrorCode.BUSY, PayerErrorCode.CIRCUIT_OPEN):
                breaker.release_trial(trial, origin)
            else:
                breaker.record(trial=trial, error=err, origin=origin)
            raise
        except BaseException:
            breaker.release_trial(trial, origin)
            raise
        breaker.record(trial=trial, error=None, origin=origin)
        return answer

    @staticmethod
    def _final(err: PayerError, tried: list[str], failures: list[PayerError]) -> PayerError:
        """The last route's error, telling every route tried; reached_payer when any might
        have delivered the 270 (the 90-second no-resend rule then applies to the inquiry)."""
        final = PayerError(err.code, err.message, route=err.route,
                           reached_payer=any(f.reached_payer for f in failures),
                           exchange=err.exchange, routes_tried=tuple(tried),
                           earlier_failures=tuple(failures[:-1]))
        final.retry_after_s = err.retry_after_s
        return final


def payers_of(entries: Mapping[str, PayerEntry],
              catalog: Mapping[str, Payer]) -> dict[str, Payer]:
    """The payer of each route: its catalog record, or (an entry of the older format) a
    payer named as the entry is, with the entry's payer id as its alias there."""
    found: dict[str, Payer] = {}
    for entry in entries.values():
        if entry.payer is not None:
            found[entry.payer] = catalog[entry.payer]
            continue
        found[entry.id] = Payer(id=entry.id, name=entry.name,
                                aliases={entry.clearinghouse or entry.adapter: entry.payer_id},
                                service_types=entry.service_types)
    return found


def fails_over(err: PayerError) -> bool:
    """Whether the route is down in a way that makes trying another route safe."""
    if err.code is PayerErrorCode.CIRCUIT_OPEN:
        return True
    status = err.exchange.http_status if err.exchange is not None else None
    if err.code is PayerErrorCode.BUSY:
        # The payer throttled us (429/503) and processed nothing; our own cap being full
        # (no status) says nothing about the route, so it stays with the caller.
        return status in RETRY_STATUSES
    if err.code is not PayerErrorCode.UNAVAILABLE:
        return False
    return not err.reached_payer or (status is not None and status >= 500)
