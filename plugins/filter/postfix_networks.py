# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: postfix_networks
short_description: Validate and normalise networks for Postfix's mynetworks and similar lists
version_added: 0.1.0
author:
  - mailops.postfix contributors (@mailops)
requirements:
  - netaddr (Python library) on the controller.
description:
  - Takes a list of IPv4 and IPv6 addresses and networks in any form netaddr understands and returns them in
    Postfix's syntax, network addresses in canonical form (C(10.1.0.0/16), C([2001:db8::]/32)), duplicates removed,
    order kept.
  - An entry that is not an address or network, or a network that covers the whole Internet (C(/0)), fails with a
    message that names the variable and the entry.
positional: variable
options:
  _input:
    description: The addresses and networks.
    type: list
    elements: str
    required: true
  variable:
    description: The name of the variable being checked, for error messages.
    type: str
    default: networks
"""

EXAMPLES = r"""
- name: Normalise mynetworks
  ansible.builtin.set_fact:
    __postfix_mynetworks: "{{ postfix_mynetworks | mailops.postfix.postfix_networks('postfix_mynetworks') }}"
"""

RETURN = r"""
_value:
  description: The networks in Postfix's syntax.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

try:
    import netaddr
except ImportError:
    netaddr = None


def postfix_network(entry: str, variable: str = "networks") -> str:
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
        raise AnsibleFilterError(f"{variable}: {text!r} covers every address on the Internet; that would make an open relay")
    network = network.cidr
    if network.version == 6:
        return f"[{network.network}]/{network.prefixlen}"
    return str(network)


def postfix_networks(entries, variable: str = "networks") -> list[str]:
    if isinstance(entries, str):
        entries = entries.replace(",", " ").split()
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError(f"{variable}: expected a list of addresses and networks, got {type(entries).__name__}")
    result: list[str] = []
    for entry in entries:
        network = postfix_network(entry, variable)
        if network not in result:
            result.append(network)
    return result


class FilterModule:
    def filters(self):
        return {"postfix_networks": postfix_networks}
