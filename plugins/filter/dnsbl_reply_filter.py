# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dnsbl_reply_filter
short_description: Give every DNSBL zone a reply filter, so that an error answer never rejects
version_added: 0.1.0
description:
  - Takes DNSBL zones in Postfix's C(reject_rbl_client) syntax and returns each with a reply filter. A zone given
    without one (C(zone)) gets C(zone=127.0.0.[2..255]), the listing codes of RFC 5782.
  - Without a filter Postfix takes any A record as a listing, so a list that answers C(127.255.255.x) (the error codes
    that the large lists return to queries through public resolvers) or C(127.0.0.1) would reject every client.
  - A zone given with its own filter (C(zone=127.0.0.[2;4;10]), the list's documented codes) keeps it; a filter that
    is empty, or that takes in C(127.255.255.x) or C(127.0.0.1), fails with a message naming the variable and the zone.
extends_documentation_fragment:
  - mailops.postfix.filter.variable
options:
  _input:
    description: The zones, C(zone) or C(zone=filter).
    type: list
    elements: str
    required: true
  variable:
    default: postfix_dnsbl
"""

EXAMPLES = r"""
- name: DNSBL zones with their reply filters
  ansible.builtin.debug:
    msg: "{{ ['zen.example', 'bl.example=127.0.0.[2;4]'] | mailops.postfix.dnsbl_reply_filter }}"
    # ["zen.example=127.0.0.[2..255]", "bl.example=127.0.0.[2;4]"]
"""

RETURN = r"""
_value:
  description: The zones, each with a reply filter.
  type: list
  elements: str
"""

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

DEFAULT_FILTER = "127.0.0.[2..255]"
# One octet of a reply filter: a number, [n..m] or [n;m;...].
_OCTET = r"(\d{1,3}|\[\d{1,3}\.\.\d{1,3}\]|\[\d{1,3}(?:;\d{1,3})*\])"
_PATTERN = re.compile(r"^" + r"\.".join([_OCTET] * 4) + r"$")


def _octet_values(octet: str) -> set[int]:
    if octet.startswith("["):
        inner = octet[1:-1]
        if ".." in inner:
            low, high = (int(n) for n in inner.split(".."))
            return set(range(low, high + 1))
        return {int(n) for n in inner.split(";")}
    return {int(octet)}


def reply_filter_problem(pattern: str) -> str | None:
    """Why a reply filter is unsafe or malformed, or None."""
    match = _PATTERN.match(pattern)
    if not match:
        return "is not a reply filter of four octets (a number, [n..m] or [n;m;...] each)"
    values = [_octet_values(o) for o in match.groups()]
    if any(not v or max(v) > 255 for v in values):
        return "has an octet outside 0..255"
    if values[0] != {127}:
        return "must match 127.x.x.x answers only (RFC 5782)"
    if 255 in values[1] and 255 in values[2]:
        return "takes in 127.255.255.x, the error answers of the lists (e.g. for queries through a public resolver)"
    if 0 in values[1] and 0 in values[2] and 1 in values[3]:
        return "takes in 127.0.0.1, which a list never returns for a listing (RFC 5782)"
    return None


def dnsbl_reply_filter(zones, variable: str = "postfix_dnsbl") -> list[str]:
    if isinstance(zones, str) or not isinstance(zones, (list, tuple)):
        raise AnsibleFilterError(f"{variable}: expected a list of DNSBL zones, got {type(zones).__name__}")
    result = []
    for zone in zones:
        if not isinstance(zone, str) or not zone.strip() or any(c.isspace() for c in zone.strip()):
            raise AnsibleFilterError(f"{variable}: {zone!r} is not a DNSBL zone (zone or zone=127.0.0.[2..255])")
        name, sep, pattern = zone.strip().partition("=")
        if not name:
            raise AnsibleFilterError(f"{variable}: {zone!r} has no zone before '='")
        if not sep:
            result.append(f"{name}={DEFAULT_FILTER}")
            continue
        problem = reply_filter_problem(pattern)
        if problem:
            raise AnsibleFilterError(
                f"{variable}: the reply filter of {zone!r} {problem}; give the list's documented codes, "
                f"or leave the filter out for {DEFAULT_FILTER}"
            )
        result.append(f"{name}={pattern}")
    return result


FilterModule = filter_module(dnsbl_reply_filter)
