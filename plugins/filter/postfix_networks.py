# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: postfix_networks
short_description: Validate and normalise networks for Postfix's mynetworks and similar lists
version_added: 0.1.0
requirements:
  - netaddr (Python library) on the controller.
description:
  - Takes a list of IPv4 and IPv6 addresses and networks in any form netaddr understands and returns them in
    Postfix's syntax, network addresses in canonical form (C(10.1.0.0/16), C([2001:db8::]/32)), duplicates removed,
    order kept.
  - An entry that is not an address or network, a network that covers the whole Internet (C(/0)), or a network with
    host bits set (C(192.168.1.7/16), where C(192.168.0.0/16) or the host is meant) fails with a message that names the
    variable and the entry; nothing is widened silently.
  - With O(acknowledge) (the networks trusted to relay, C(mynetworks)), a network broader than the relay guard's
    bounds (shorter than C(/8) for IPv4 or C(/32) for IPv6, or a public network shorter than C(/24) or C(/48)) fails
    too, unless it is acknowledged there.
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.variable
options:
  _input:
    description: The addresses and networks.
    type: list
    elements: str
    required: true
  variable:
    default: networks
  acknowledge:
    description:
      - The relay guard's acknowledgements (strings, or mappings with C(entry)); given, the bounds of C(mynetworks)
        apply, and an entry listed here (with or without the C(mynetworks) parameter) may pass them.
    type: list
    elements: raw
"""

EXAMPLES = r"""
- name: Normalise the networks trusted to relay, as the postfix role does
  ansible.builtin.set_fact:
    __postfix_mynetworks: "{{ postfix_mynetworks | mailops.postfix.postfix_networks('postfix_mynetworks') }}"
"""

RETURN = r"""
_value:
  description: The networks in Postfix's syntax, each once, in the order given.
  type: list
  elements: str
"""

import ipaddress

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.module_utils._relay_guard import network_bound_problem
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

try:
    import netaddr
except ImportError:
    netaddr = None


def postfix_network(entry: str, variable: str = "networks", acknowledge=None) -> str:
    """Return one address or network in Postfix's syntax."""
    if netaddr is None:
        raise AnsibleFilterError(
            "the postfix_networks filter needs the Python library netaddr on the controller:"
            " pip install -r requirements.txt from the collection's directory (see README, Using the collection)"
        )
    if not isinstance(entry, str) or not entry.strip():
        raise AnsibleFilterError(f"{variable}: {entry!r} is not an IP address or network")
    text = entry.strip()
    # Postfix writes IPv6 as [addr]/len; netaddr wants addr/len.
    plain = text.replace("[", "").replace("]", "")
    try:
        network = netaddr.IPNetwork(plain)
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        raise AnsibleFilterError(f"{variable}: {text!r} is not an IP address or network ({exc})") from None
    if network.prefixlen == 0:
        raise AnsibleFilterError(
            f"{variable}: {text!r} covers every address on the Internet; that would make an open relay"
        )
    if network.ip != network.network:
        raise AnsibleFilterError(
            f"{variable}: {text!r} has host bits set; write the network ({network.cidr}) or the single host "
            f"({network.ip}): a range is never widened silently"
        )
    network = network.cidr
    rendered = f"[{network.network}]/{network.prefixlen}" if network.version == 6 else str(network)
    if acknowledge is not None:
        problem = network_bound_problem(ipaddress.ip_network(str(network)))
        acked = {
            " ".join(str(a.get("entry", "") if isinstance(a, dict) else a).split())
            for a in acknowledge
            if not isinstance(a, dict) or a.get("parameter") in (None, "", "mynetworks")
        }
        if problem and rendered not in acked:
            raise AnsibleFilterError(
                f"{variable}: {text!r} is {problem}, trusted to relay: narrow it, or acknowledge it in "
                f"postfix_relay_guard_acknowledge (entry: {rendered!r}, parameter: mynetworks)"
            )
    return rendered


def postfix_networks(entries, variable: str = "networks", acknowledge=None) -> list[str]:
    if isinstance(entries, str):
        entries = entries.replace(",", " ").split()
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError(f"{variable}: expected a list of addresses and networks, got {type(entries).__name__}")
    result: list[str] = []
    for entry in entries:
        network = postfix_network(entry, variable, acknowledge)
        if network not in result:
            result.append(network)
    return result


FilterModule = filter_module(postfix_networks)
