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
requirements:
  - dnspython >= 2.3 (Debian package C(python3-dnspython)) on the managed host
extends_documentation_fragment:
  # First: a fragment extended later gives way to the ones before it.
  - mailops.postfix.attributes.read_only
  - mailops.postfix.attributes
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.postfix.plugins.module_utils._dns_query import (
    DNSPYTHON_IMPORT_ERROR,
    HAS_DNSPYTHON,
    DNSException,
    make_resolver,
    resolve_all,
)
from ansible_collections.mailops.postfix.plugins.module_utils._dnsbl import (
    LISTED,
    DnsblError,
    build_lookups,
    dedupe,
    listed_message,
    parse_list_spec,
    parse_nameserver,
    parse_target,
    report,
    summarize,
)


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
    except DNSException as exc:
        module.fail_json(msg=f"cannot configure the resolver from /etc/resolv.conf: {exc}; set the nameserver option")

    elapsed = resolve_all(
        lookups, resolver, params["timeout"], params["concurrency"], params["deadline"], params["query_txt"]
    )

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
