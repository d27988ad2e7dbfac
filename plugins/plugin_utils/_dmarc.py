# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The dmarc role's checks of its variables and the list of hosts whose
mail OpenDMARC and policyd-spf leave alone: the pure functions behind the
filters plugins/filter/dmarc_*.py, which run on the controller. Nothing
here does I/O.
"""

from __future__ import annotations

import ipaddress
import re

from ansible.errors import AnsibleFilterError

# An authserv-id (RFC 8601): a domain name. OpenDMARC and policyd-spf
# write it into Authentication-Results and compare it as a word.
AUTHSERV_ID = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
# Reserved for the postfix role's reject_unauth_destination (300) and
# greylisting (600): SPF comes between them.
ORDER_MIN = 300


def _network(entry) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """One address or network as Postfix or the user writes it:
    192.0.2.7, 10.0.0.0/8, [2001:db8::]/32, 2001:db8::/32, ::1/128."""
    text = str(entry).strip()
    match = re.match(r"^\[([0-9A-Fa-f:.]+)\](/[0-9]+)?$", text)
    if match:
        text = match.group(1) + (match.group(2) or "")
    return ipaddress.ip_network(text, strict=True)


def _host_problem(variable: str, entry) -> str:
    try:
        network = _network(entry)
    except ValueError as exc:
        return (
            f"{variable}: {entry!r} is not an IPv4 or IPv6 address or network ({exc}); "
            "give addresses or CIDR networks such as 192.0.2.25 or 198.51.100.0/24"
        )
    if network.prefixlen == 0:
        return f"{variable}: {entry!r} covers every address and would turn SPF and DMARC checks off for everyone"
    return ""


def dmarc_problems(settings) -> list[str]:
    """Every problem of the dmarc role's variables, one message each, naming
    the variable; an empty list when all is well. `settings` holds the
    role's variables by name."""
    if not isinstance(settings, dict):
        raise AnsibleFilterError(
            f"dmarc_problems expects a mapping of the role's variables, got {type(settings).__name__}"
        )
    problems = []
    authserv_id = settings.get("dmarc_authserv_id")
    if not isinstance(authserv_id, str) or not AUTHSERV_ID.match(authserv_id):
        problems.append(
            f"dmarc_authserv_id: {authserv_id!r} is not a domain name; the authserv-id names this host in "
            "Authentication-Results (normally its host name, as OpenDKIM's), letters, digits, - and . only"
        )
    trusted = settings.get("dmarc_trusted_authserv_ids") or []
    if not isinstance(trusted, list):
        problems.append(f"dmarc_trusted_authserv_ids: must be a list of domain names, got {trusted!r}")
    else:
        bad = [item for item in trusted if not isinstance(item, str) or not AUTHSERV_ID.match(item)]
        if bad:
            problems.append(
                f"dmarc_trusted_authserv_ids: {bad!r} not domain names; list the authserv-ids of the hosts whose "
                "Authentication-Results this host believes (letters, digits, - and . only)"
            )
    for variable in ("dmarc_ignore_hosts", "postfix_mynetworks"):
        entries = settings.get(variable) or []
        if not isinstance(entries, list):
            problems.append(f"{variable}: must be a list of addresses or networks, got {entries!r}")
            continue
        problems.extend(p for p in (_host_problem(variable, e) for e in entries) if p)
    order = settings.get("dmarc_spf_restriction_order")
    try:
        order_ok = int(order) > ORDER_MIN
    except (TypeError, ValueError):
        order_ok = False
    if not order_ok:
        problems.append(
            f"dmarc_spf_restriction_order: {order!r} must be a number above {ORDER_MIN}, after "
            "reject_unauth_destination, or the SPF check would run for mail that Postfix refuses to relay anyway"
        )
    limit = settings.get("dmarc_spf_time_limit")
    try:
        limit_ok = int(limit) >= 10
    except (TypeError, ValueError):
        limit_ok = False
    if not limit_ok:
        problems.append(
            f"dmarc_spf_time_limit: {limit!r} must be a whole number of seconds, at least 10 "
            "(how long Postfix lets one policyd-spf process live; Debian's example is 3600)"
        )
    return problems


def dmarc_hosts(*lists) -> list[str]:
    """The addresses and networks of all lists in one list, in the plain
    CIDR form that OpenDMARC's IgnoreHosts and policyd-spf's Whitelist
    read (no brackets), duplicates removed, order kept."""
    result: list[str] = []
    for entries in lists:
        for entry in entries or []:
            try:
                text = str(_network(entry))
            except ValueError as exc:
                raise AnsibleFilterError(f"dmarc_hosts: {entry!r} is not an address or network: {exc}") from None
            if text not in result:
                result.append(text)
    return result
