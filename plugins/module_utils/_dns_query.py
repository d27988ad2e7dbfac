# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors

"""The DNS query engine of the rbl_check module (I/O, with dnspython's asyncio layer).

Resolves a list of :class:`~._dnsbl.Lookup` objects with a fixed number of
workers and a deadline for the whole run, and turns each reply or failure
into an :class:`~._dnsbl.Outcome`; what an outcome means is decided by the
pure functions of ``_dnsbl``. dnspython is imported here only: a module that
uses this file checks ``HAS_DNSPYTHON`` before it queries.
"""

from __future__ import annotations

import asyncio
import collections
import ipaddress
import socket
import time
import traceback
import typing as t

from ansible_collections.mailops.postfix.plugins.module_utils._dnsbl import (
    KIND_ANSWER,
    KIND_DEADLINE,
    KIND_ERROR,
    KIND_NO_NAMESERVERS,
    KIND_NODATA,
    KIND_NXDOMAIN,
    KIND_REFUSED,
    KIND_SERVFAIL,
    KIND_TIMEOUT,
    LISTED,
    Lookup,
    Outcome,
    classify,
)

DNSPYTHON_IMPORT_ERROR: str | None
try:
    import dns.asyncbackend
    import dns.asyncquery
    import dns.asyncresolver
    import dns.exception
    import dns.message
    import dns.name
    import dns.rcode
    import dns.rdataclass
    import dns.rdatatype
    import dns.resolver
except ImportError:
    HAS_DNSPYTHON = False

    class DNSException(Exception):  # type: ignore[no-redef]
        """Stands in for dnspython's base exception when dnspython is missing."""

    DNSPYTHON_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_DNSPYTHON = True
    DNSException = dns.exception.DNSException
    DNSPYTHON_IMPORT_ERROR = None

ATTEMPT_TIMEOUT = 2.0
SOCKET_REUSE = 100


def outcome_from_exception(exc: BaseException) -> Outcome:
    """Map a dnspython exception to an Outcome (see _dnsbl.classify)."""
    if isinstance(exc, dns.resolver.NXDOMAIN):
        return Outcome(KIND_NXDOMAIN)
    if isinstance(exc, dns.resolver.NoAnswer):
        return Outcome(KIND_NODATA)
    if isinstance(exc, dns.exception.Timeout):
        return Outcome(KIND_TIMEOUT, message=str(exc))
    if isinstance(exc, dns.resolver.NoNameservers):
        text = str(exc)
        if "SERVFAIL" in text:
            kind = KIND_SERVFAIL
        elif "REFUSED" in text:
            kind = KIND_REFUSED
        else:
            kind = KIND_NO_NAMESERVERS
        return Outcome(kind, message=text)
    return Outcome(KIND_ERROR, message=f"{type(exc).__name__}: {exc}")


def make_resolver(nameserver: tuple[str, int] | None, timeout: float) -> dns.asyncresolver.Resolver:
    if nameserver is None:
        resolver = dns.asyncresolver.Resolver()
    else:
        resolver = dns.asyncresolver.Resolver(configure=False)
        # The port first: some dnspython versions bind it when nameservers is set.
        resolver.port = nameserver[1]
        resolver.nameservers = [nameserver[0]]
    resolver.timeout = min(ATTEMPT_TIMEOUT, timeout)
    resolver.lifetime = timeout
    resolver.cache = None
    return resolver


def first_nameserver(resolver: dns.asyncresolver.Resolver) -> tuple[str, int] | None:
    """The resolver's first nameserver as (IP, port) when it is plain DNS
    over UDP/TCP (a string in dnspython 2.3, a Do53Nameserver later)."""
    servers = list(resolver.nameservers)
    if not servers:
        return None
    server = servers[0]
    if isinstance(server, str):
        address, port = server, resolver.nameserver_ports.get(server, resolver.port)
    else:
        address, port = getattr(server, "address", None), getattr(server, "port", None)
        if type(server).__name__ != "Do53Nameserver":
            return None
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address, int(port)


class Channel:
    """One worker's UDP socket for first attempts, renewed after an error
    and every SOCKET_REUSE queries (so the source port changes too)."""

    def __init__(self, querier: Querier) -> None:
        self.querier = querier
        self.sock: t.Any = None
        self.used = 0

    async def socket(self) -> t.Any:
        if self.sock is not None and self.used >= SOCKET_REUSE:
            await self.close()
        if self.sock is None:
            family = socket.AF_INET6 if ":" in self.querier.first[0] else socket.AF_INET
            self.sock = await self.querier.backend.make_socket(family, socket.SOCK_DGRAM)
            self.used = 0
        self.used += 1
        return self.sock

    async def close(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                await sock.close()
            except OSError:
                pass


class Querier:
    """Sends the queries of a run.

    Each query's first attempt goes straight to the first nameserver with
    dns.asyncquery (dnspython's asyncio query layer, which the resolver uses
    too), over the worker's socket, and settles the two common answers:
    NXDOMAIN, and NOERROR with the records asked. Anything else (timeout,
    truncation, SERVFAIL, REFUSED, CNAME, network error) is handed to
    dns.asyncresolver with what is left of the timeout: it retries, fails over
    to the other nameservers, falls back to TCP and names the failure. The
    resolver alone costs about half as much CPU again per query (answer
    chaining, SOA search on NXDOMAIN, a new socket per query), which limits
    the throughput at high concurrency.
    """

    def __init__(self, resolver: dns.asyncresolver.Resolver, timeout: float) -> None:
        self.resolver = resolver
        self.timeout = timeout
        self.attempt = min(ATTEMPT_TIMEOUT, timeout)
        self.first = first_nameserver(resolver)
        self.backend = dns.asyncbackend.get_backend("asyncio")

    async def first_attempt(self, qname: dns.name.Name, rdtype: int, channel: Channel) -> Outcome | None:
        if self.first is None:
            return None
        query = dns.message.make_query(qname, rdtype)
        try:
            response = await dns.asyncquery.udp(
                query,
                self.first[0],
                timeout=self.attempt,
                port=self.first[1],
                ignore_unexpected=True,
                raise_on_truncation=True,
                sock=await channel.socket(),
                backend=self.backend,
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # pylint: disable=broad-exception-caught
            # A late answer must not meet the next query: a new socket.
            await channel.close()
            return None  # the resolver retries and tells what failed
        rcode = response.rcode()
        if rcode == dns.rcode.NXDOMAIN:
            return Outcome(KIND_NXDOMAIN)
        if rcode != dns.rcode.NOERROR:
            return None
        rrset = response.get_rrset(response.answer, qname, dns.rdataclass.IN, rdtype)
        if rrset is not None:
            return Outcome(KIND_ANSWER, records_of(rrset, rdtype))
        if response.answer:
            return None  # a CNAME: let the resolver follow it
        return Outcome(KIND_NODATA)

    async def resolve(self, qname_text: str, rdtype_text: str, channel: Channel) -> Outcome:
        # An absolute name: the search list of resolv.conf never applies.
        qname = dns.name.from_text(qname_text + ".")
        rdtype = dns.rdatatype.from_text(rdtype_text)
        started = time.monotonic()
        outcome = await self.first_attempt(qname, rdtype, channel)
        if outcome is not None:
            return outcome
        lifetime = self.timeout - (time.monotonic() - started)
        if lifetime <= 0.05 and self.first is not None:
            return Outcome(
                KIND_TIMEOUT, message=f"no answer within {self.timeout:g}s from {self.first[0]}#{self.first[1]}"
            )
        try:
            answer = await self.resolver.resolve(qname, rdtype, search=False, lifetime=lifetime, backend=self.backend)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            return outcome_from_exception(exc)
        return Outcome(KIND_ANSWER, records_of(answer, rdtype))


def records_of(rdatas: t.Iterable[t.Any], rdtype: int) -> tuple[str, ...]:
    if rdtype == dns.rdatatype.TXT:
        return tuple(b"".join(rdata.strings).decode("utf-8", "replace") for rdata in rdatas)
    return tuple(rdata.address for rdata in rdatas)


async def run_lookups(
    lookups: list[Lookup],
    querier: Querier,
    concurrency: int,
    deadline: float,
    query_txt: bool,
) -> None:
    """Resolve every lookup with `concurrency` workers (so at most that many
    queries in flight), the TXT record after each listed A, and stop at the
    deadline: what is unfinished then gets a deadline outcome."""
    queue = collections.deque((lookup, "A") for lookup in lookups)

    async def worker() -> None:
        channel = Channel(querier)
        try:
            while queue:
                lookup, rdtype = queue.popleft()
                outcome = await querier.resolve(lookup.qname, rdtype, channel)
                if rdtype == "TXT":
                    lookup.txt = outcome
                    continue
                lookup.a = outcome
                if query_txt and not lookup.probe and classify(outcome, lookup.spec).status == LISTED:
                    queue.appendleft((lookup, "TXT"))
        finally:
            await channel.close()

    if not lookups:
        return
    workers = [asyncio.ensure_future(worker()) for _worker in range(min(concurrency, len(lookups)))]
    _done, pending = await asyncio.wait(workers, timeout=deadline)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    message = f"the run's deadline of {deadline:g}s passed first"
    for lookup in lookups:
        if lookup.a is None:
            lookup.a = Outcome(KIND_DEADLINE, message=message)


def resolve_all(
    lookups: list[Lookup],
    resolver: dns.asyncresolver.Resolver,
    timeout: float,
    concurrency: int,
    deadline: float,
    query_txt: bool,
) -> float:
    """Resolve ``lookups`` in place (see :func:`run_lookups`); return the seconds it took."""
    started = time.monotonic()
    asyncio.run(run_lookups(lookups, Querier(resolver, timeout), concurrency, deadline, query_txt))
    return time.monotonic() - started
