#!/usr/bin/python
# Copyright: mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: rbl_check
short_description: Check addresses and domains against DNS blocklists, and check the lists' health
version_added: 0.1.0
description:
  - Looks up IPv4 and IPv6 addresses (and domain names, on domain-based lists) on several DNS blocklists (DNSBLs)
    concurrently, with a timeout per query and a deadline for the whole run, and returns a structured report.
  - Query names are built as RFC 5782 defines them (reversed octets for IPv4, reversed nibbles for IPv6, the domain
    name itself for domain lists), and only C(A) records are asked; C(TXT) records (the reason) are asked only for
    the names found listed.
  - Every answer is classified as C(listed) (with its codes and TXT reason), C(not_listed) (NXDOMAIN, or codes the
    C(listed_codes) filter of the list ignores) or C(error). A timeout, SERVFAIL, REFUSED, an answer outside
    127.0.0.0/8 (a dead or parked zone answering with a wildcard) and the lists' own error codes (by default any
    answer in 127.255.255.0/24, such as Spamhaus's 127.255.255.254 for queries through public resolvers, and
    127.0.0.1) are errors, never C(not_listed).
  - With O(health_check=true), each list is checked as RFC 5782 section 5 says; the test entry 127.0.0.2 (C(TEST)
    for a domain list) must be listed and 127.0.0.1 (C(INVALID)) must not. A list that answers for everything, for
    nothing, or with errors fails, and its results for O(addresses) are reported as errors.
    O(addresses) may then be empty, to check the lists only.
  - The module only reads (DNS queries); it never changes the host and reports C(changed=false).
  - Uses the dnspython library on the managed host (on Debian the package C(python3-dnspython)); the first attempt
    of each query goes to the first nameserver through dnspython's asyncio query layer, and everything but a plain
    answer or NXDOMAIN (timeouts, truncation, SERVFAIL, CNAMEs, other nameservers) through its asyncio resolver.
author:
  - mailops.postfix contributors (@mailops)
requirements:
  - dnspython >= 2.3 (Debian package C(python3-dnspython)) on the managed host
extends_documentation_fragment:
  - mailops.postfix.attributes
attributes:
  check_mode:
    support: full
    details:
      - Runs in check mode exactly as without it; it only reads.
  diff_mode:
    support: none
    details:
      - Nothing changes, so there is no diff.
  idempotent:
    support: full
    details:
      - The module never changes anything.
options:
  addresses:
    description:
      - IPv4 and IPv6 addresses, and domain names, to look up.
      - IP addresses are looked up on the lists of C(type) V(ip), domain names on the lists of C(type) V(domain).
      - A value that contains C(:) or only digits and dots must be a valid IP address; the module fails, naming the
        value, before any query otherwise.
      - May be empty when O(health_check=true).
    type: list
    elements: str
    default: []
  lists:
    description:
      - The DNSBLs to query. Each is either a string or a dict.
      - A string is a zone name (V(zen.example)), optionally with a Postfix C(reject_rbl_client) reply filter
        (V(zen.example=127.0.0.[2..11]), V(bl.example=127.0.0.2)); a C(*weight) suffix, as in Postfix's
        C(postscreen_dnsbl_sites), is accepted and ignored.
      - A dict has the keys C(zone) (required, may also carry a C(=filter)), C(type) (V(ip), the default, or
        V(domain)), C(listed_codes) and C(error_codes).
      - C(listed_codes) is a reply filter, a string or a list of patterns; each pattern is an address
        (V(127.0.0.2)), a Postfix pattern where an octet is a number or a V([n;n..n]) set (V(127.0.0.[2..11]),
        V(127.0.[0;1].[2..4])), or a network (V(127.0.0.0/24)). Answers that match no pattern mean "not listed".
        Without a filter, any answer in 127.0.0.0/8 that is not an error code is a listing.
      - C(error_codes) are the answers that mean the list refused to answer, in the same syntax; the default is
        V(127.255.255.0/24) and V(127.0.0.1). An empty list disables them. An answer outside 127.0.0.0/8 is always
        an error.
    type: list
    elements: raw
    required: true
  health_check:
    description:
      - Check each list with its RFC 5782 test entries and report C(healthy) and the reason in RV(lists).
      - Results on a list that fails are reported as errors.
    type: bool
    default: false
  fail_on_listed:
    description: Fail when an address is listed on any list; the message names the addresses and the lists.
    type: bool
    default: false
  fail_on_unhealthy:
    description: Fail when a list fails its health check (requires O(health_check=true)); the message names the lists and why.
    type: bool
    default: false
  nameserver:
    description:
      - The nameserver to send the queries to, as an IP address with an optional port
        (V(127.0.0.1), V(127.0.0.1:5353), V(::1), V([::1]:5353)).
      - By default the nameservers of C(/etc/resolv.conf).
      - Most lists refuse queries through public resolvers (and answer error codes, which are reported as errors);
        use a local recursive resolver.
    type: str
  timeout:
    description:
      - Seconds one query may take, retries included; each attempt waits at most 2 seconds (or O(timeout) when
        shorter). A query that has no answer by then is an error.
    type: float
    default: 5.0
  deadline:
    description: Seconds the whole run may take; the lookups not finished by then are reported as errors.
    type: float
    default: 60.0
  concurrency:
    description: How many queries may be in flight at once (one worker each).
    type: int
    default: 64
  query_txt:
    description: Ask the C(TXT) record (the list's reason) of each listed name.
    type: bool
    default: true
notes:
  - IPv4-mapped IPv6 addresses (V(::ffff:192.0.2.1)) are looked up as IPv6 addresses, as RFC 5782 requires.
  - The health check probes are not affected by C(listed_codes); a filtered list is healthy when the list itself is.
seealso:
  - name: RFC 5782
    description: DNS Blacklists and Whitelists.
    link: https://www.rfc-editor.org/rfc/rfc5782
"""

EXAMPLES = r"""
- name: Check the outgoing addresses against two lists
  mailops.postfix.rbl_check:
    addresses:
      - 192.0.2.25
      - 2001:db8::25
    lists:
      - zen.spamhaus.org=127.0.0.[2..11]
      - bl.spamcop.net
    nameserver: 127.0.0.1
  register: rbl

- name: Show where they are listed
  ansible.builtin.debug:
    msg: "{{ rbl.results | selectattr('status', 'equalto', 'listed') | list }}"

- name: Fail when one is listed
  mailops.postfix.rbl_check:
    addresses: "{{ ansible_facts['all_ipv4_addresses'] }}"
    lists: [zen.spamhaus.org]
    fail_on_listed: true

- name: Check the health of the lists before Postfix uses them
  mailops.postfix.rbl_check:
    lists:
      - zen.spamhaus.org
      - zone: dbl.spamhaus.org
        type: domain
      - zone: list.dnswl.org
        error_codes: [127.0.0.255, 127.255.255.0/24]
    health_check: true
  register: rbl_health

- name: Keep only the healthy ones
  ansible.builtin.set_fact:
    healthy_dnsbls: "{{ rbl_health.lists | dict2items | selectattr('value.healthy') | map(attribute='key') | list }}"
"""

RETURN = r"""
results:
  description: One entry per address and list (addresses on ip lists, domain names on domain lists).
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: The address or domain name, as given.
      type: str
      sample: 192.0.2.99
    list:
      description: The list, in Postfix syntax (zone, or zone=filter).
      type: str
      sample: zen.spamhaus.org=127.0.0.[2..11]
    zone:
      description: The list's zone.
      type: str
      sample: zen.spamhaus.org
    query:
      description: The name looked up.
      type: str
      sample: 99.2.0.192.zen.spamhaus.org
    status:
      description: V(listed), V(not_listed) or V(error).
      type: str
      sample: listed
    codes:
      description:
        - The A records that made the listing; for an error, the records answered; for V(not_listed), those
          the filter ignored (usually none).
      type: list
      elements: str
      sample: [127.0.0.2]
    reason:
      description: The TXT record(s) of a listed name, joined with C(; ); null when there is none.
      type: str
      sample: Listed for spam, see https://example.org/lookup
    error:
      description: Why the status is V(error); null otherwise.
      type: str
      sample: "timeout: The resolution lifetime expired after 1.002 seconds"
listed:
  description: The addresses listed on at least one list.
  returned: always
  type: list
  elements: str
  sample: [192.0.2.99]
lists:
  description:
    - Per list zone, its health and settings. C(healthy) and the probes are only set with O(health_check=true);
      C(healthy) is null otherwise.
  returned: always
  type: dict
  sample:
    dnsbl.test:
      healthy: true
      reason: lists 127.0.0.2 (127.0.0.2) and not 127.0.0.1, as RFC 5782 requires
      type: ip
      probes:
        127.0.0.2: {status: listed, codes: [127.0.0.2], error: null}
        127.0.0.1: {status: not_listed, codes: [], error: null}
summary:
  description: Counts of the run.
  returned: always
  type: dict
  contains:
    addresses:
      description: Distinct addresses and domain names checked.
      type: int
    lists:
      description: Distinct lists.
      type: int
    lookups:
      description: Entries in RV(results).
      type: int
    listed:
      description: Results with status V(listed).
      type: int
    not_listed:
      description: Results with status V(not_listed).
      type: int
    errors:
      description: Results with status V(error).
      type: int
    healthy:
      description: Lists that passed the health check.
      type: int
    unhealthy:
      description: Lists that failed the health check.
      type: int
    elapsed:
      description: Seconds the queries took.
      type: float
"""

import asyncio
import collections
import ipaddress
import socket
import time
import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.postfix.plugins.module_utils._dnsbl import (
    HEALTH_PROBES,
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
    DnsblError,
    ListSpec,
    Outcome,
    Target,
    apply_health,
    classify,
    dedupe,
    health_verdict,
    listed_message,
    parse_list_spec,
    parse_nameserver,
    parse_target,
    query_name,
    summarize,
    txt_reason,
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
    DNSPYTHON_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_DNSPYTHON = True
    DNSPYTHON_IMPORT_ERROR = None

ATTEMPT_TIMEOUT = 2.0
SOCKET_REUSE = 100


class Lookup:
    """One query name to resolve: an address on a list, or a health probe."""

    __slots__ = ("a", "probe", "qname", "spec", "target", "txt")

    def __init__(self, target: Target, spec: ListSpec, qname: str, probe: bool = False) -> None:
        self.target = target
        self.spec = spec
        self.qname = qname
        self.probe = probe
        self.a: Outcome | None = None
        self.txt: Outcome | None = None


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


def build_lookups(targets: list[Target], specs: list[ListSpec], health_check: bool) -> list[Lookup]:
    lookups = []
    for target in targets:
        for spec in specs:
            if spec.type == target.list_type:
                lookups.append(Lookup(target, spec, query_name(target, spec.zone)))
    if health_check:
        done = set()
        for spec in specs:
            if spec.zone in done:
                continue
            done.add(spec.zone)
            for probe in HEALTH_PROBES[spec.type]:
                target = parse_target(probe)
                lookups.append(Lookup(target, spec, query_name(target, spec.zone), probe=True))
    return lookups


def report(lookups: list[Lookup], specs: list[ListSpec], health_check: bool) -> tuple[list[dict], dict[str, dict]]:
    results = []
    for lookup in lookups:
        if lookup.probe:
            continue
        verdict = classify(lookup.a, lookup.spec)
        results.append(
            {
                "address": lookup.target.text.strip(),
                "list": lookup.spec.name,
                "zone": lookup.spec.zone,
                "query": lookup.qname,
                "status": verdict.status,
                "codes": list(verdict.codes),
                "reason": txt_reason(lookup.txt) if verdict.status == LISTED else None,
                "error": verdict.error,
            }
        )

    lists: dict[str, dict] = {}
    for spec in specs:
        if spec.zone not in lists:
            lists[spec.zone] = {
                "healthy": None,
                "reason": "not checked (health_check=false)",
                "type": spec.type,
                "names": [],
                "probes": {},
            }
        lists[spec.zone]["names"].append(spec.name)
    if health_check:
        probes: dict[str, dict[str, t.Any]] = {}
        for lookup in lookups:
            if lookup.probe:
                probes.setdefault(lookup.spec.zone, {})[lookup.target.value] = (
                    lookup.spec,
                    classify(lookup.a, lookup.spec, apply_filter=False),
                )
        for zone, by_probe in probes.items():
            spec = next(iter(by_probe.values()))[0]
            positive, negative = (by_probe[name][1] for name in HEALTH_PROBES[spec.type])
            healthy, reason = health_verdict(spec, positive, negative)
            lists[zone]["healthy"] = healthy
            lists[zone]["reason"] = reason
            lists[zone]["probes"] = {
                name: {"status": verdict.status, "codes": list(verdict.codes), "error": verdict.error}
                for name, (_spec, verdict) in by_probe.items()
            }
        apply_health(results, lists)
    return results, lists


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            addresses=dict(type="list", elements="str", default=[]),
            lists=dict(type="list", elements="raw", required=True),
            health_check=dict(type="bool", default=False),
            fail_on_listed=dict(type="bool", default=False),
            fail_on_unhealthy=dict(type="bool", default=False),
            nameserver=dict(type="str"),
            timeout=dict(type="float", default=5.0),
            deadline=dict(type="float", default=60.0),
            concurrency=dict(type="int", default=64),
            query_txt=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params

    # Input first: bad values fail before any query, naming the value.
    for option in ("timeout", "deadline"):
        if params[option] <= 0:
            module.fail_json(msg=f"option {option} must be a positive number of seconds, got {params[option]}")
    if params["concurrency"] < 1:
        module.fail_json(msg=f"option concurrency must be at least 1, got {params['concurrency']}")
    if params["fail_on_unhealthy"] and not params["health_check"]:
        module.fail_json(msg="option fail_on_unhealthy requires health_check=true")
    try:
        targets = dedupe((parse_target(value) for value in params["addresses"]), key=lambda target: target.value)
        if not params["lists"]:
            raise DnsblError("option lists is empty: give at least one DNSBL zone")
        specs = dedupe((parse_list_spec(value) for value in params["lists"]), key=lambda spec: (spec.name, spec.type))
        types: dict[str, str] = {}
        for spec in specs:
            if types.setdefault(spec.zone, spec.type) != spec.type:
                raise DnsblError(f"list {spec.zone!r} is given both as an ip and as a domain list")
        nameserver = parse_nameserver(params["nameserver"]) if params["nameserver"] is not None else None
        lookups = build_lookups(targets, specs, params["health_check"])
    except DnsblError as exc:
        module.fail_json(msg=str(exc))
    if not targets and not params["health_check"]:
        module.fail_json(msg="nothing to do: option addresses is empty and health_check is false")

    if not HAS_DNSPYTHON:
        module.fail_json(
            msg=missing_required_lib("dnspython >= 2.3", reason="to query DNSBLs (Debian package python3-dnspython)"),
            exception=DNSPYTHON_IMPORT_ERROR,
        )

    try:
        resolver = make_resolver(nameserver, params["timeout"])
    except dns.exception.DNSException as exc:
        module.fail_json(msg=f"cannot configure the resolver from /etc/resolv.conf: {exc}; set the nameserver option")

    started = time.monotonic()
    querier = Querier(resolver, params["timeout"])
    asyncio.run(run_lookups(lookups, querier, params["concurrency"], params["deadline"], params["query_txt"]))
    elapsed = time.monotonic() - started

    results, lists = report(lookups, specs, params["health_check"])
    listed = dedupe((r["address"] for r in results if r["status"] == LISTED), key=lambda address: address)
    outcome = dict(
        changed=False,
        results=results,
        listed=listed,
        lists=lists,
        summary=summarize(results, lists, len(targets), elapsed),
    )
    if params["fail_on_unhealthy"]:
        unhealthy = [f"{zone}: {entry['reason']}" for zone, entry in lists.items() if entry["healthy"] is False]
        if unhealthy:
            module.fail_json(msg="DNSBL health check failed: " + "; ".join(unhealthy), **outcome)
    if params["fail_on_listed"] and listed:
        module.fail_json(msg=listed_message(results), **outcome)
    module.exit_json(**outcome)


if __name__ == "__main__":
    main()
