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
  - A zone may carry a weight, as in C(postscreen_dnsbl_sites) (C(zone*3), C(zone=127.0.0.[2..11]*3), C(allow.test*-5)
    for an allowlist). With O(form=postscreen) the weight is kept; with O(form=rbl) (for C(reject_rbl_client), which
    knows no weights) it is dropped, and so is a zone of negative weight, an allowlist that only postscreen can use.
positional: variable, form
extends_documentation_fragment:
  - mailops.postfix.filter
options:
  _input:
    description: The zones, C(zone) or C(zone=filter).
    type: list
    elements: str
    required: true
  variable:
    description: The name of the variable being checked, for error messages.
    type: str
    default: postfix_dnsbl
  form:
    description: C(rbl) for C(reject_rbl_client) (weights dropped, allowlists left out), C(postscreen) for
      C(postscreen_dnsbl_sites) (weights kept).
    type: str
    default: rbl
    choices: [rbl, postscreen]
"""

EXAMPLES = r"""
- name: DNSBL zones with their reply filters
  ansible.builtin.debug:
    msg: "{{ ['zen.example', 'bl.example=127.0.0.[2;4]'] | mailops.postfix.dnsbl_reply_filter }}"
    # ["zen.example=127.0.0.[2..255]", "bl.example=127.0.0.[2;4]"]

- name: The same zones with weights, for postscreen_dnsbl_sites
  ansible.builtin.debug:
    msg: "{{ ['zen.example*3', 'bl.example=127.0.0.[2;4]', 'wl.example*-2'] | mailops.postfix.dnsbl_reply_filter('postfix_dnsbl', 'postscreen') }}"
    # ["zen.example=127.0.0.[2..255]*3", "bl.example=127.0.0.[2;4]", "wl.example=127.0.0.[2..255]*-2"]
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
_WEIGHT = re.compile(r"^(.*)\*(-?[0-9]+)$")
FORMS = ("rbl", "postscreen")


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


def dnsbl_reply_filter(zones, variable: str = "postfix_dnsbl", form: str = "rbl") -> list[str]:
    if isinstance(zones, str) or not isinstance(zones, (list, tuple)):
        raise AnsibleFilterError(f"{variable}: expected a list of DNSBL zones, got {type(zones).__name__}")
    if form not in FORMS:
        raise AnsibleFilterError(f"dnsbl_reply_filter: form {form!r} is not one of {', '.join(FORMS)}")
    result = []
    for zone in zones:
        if not isinstance(zone, str) or not zone.strip() or any(c.isspace() for c in zone.strip()):
            raise AnsibleFilterError(f"{variable}: {zone!r} is not a DNSBL zone (zone or zone=127.0.0.[2..255])")
        text, weight = zone.strip(), None
        match = _WEIGHT.match(text)
        if match:
            text, weight = match.group(1), int(match.group(2))
            if weight == 0:
                raise AnsibleFilterError(f"{variable}: {zone!r} has weight 0, which counts for nothing; leave it out")
        if "*" in text:
            raise AnsibleFilterError(f"{variable}: {zone!r} has a weight that is not a whole number (zone*3, zone*-2)")
        name, sep, pattern = text.partition("=")
        if not name:
            raise AnsibleFilterError(f"{variable}: {zone!r} has no zone before '='")
        if not sep:
            pattern = DEFAULT_FILTER
        else:
            problem = reply_filter_problem(pattern)
            if problem:
                raise AnsibleFilterError(
                    f"{variable}: the reply filter of {zone!r} {problem}; give the list's documented codes, "
                    f"or leave the filter out for {DEFAULT_FILTER}"
                )
        if form == "rbl":
            if weight is None or weight > 0:
                result.append(f"{name}={pattern}")
        else:
            result.append(f"{name}={pattern}" + (f"*{weight}" if weight is not None else ""))
    return result


FilterModule = filter_module(dnsbl_reply_filter)
