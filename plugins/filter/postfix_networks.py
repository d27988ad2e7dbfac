# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# The documentation of each filter is in NAME.yml beside this file (ansible-doc -t filter).

from ansible.errors import AnsibleFilterError

try:
    import netaddr
except ImportError:
    netaddr = None


def postfix_network(entry: str, variable: str = "networks") -> str:
    """Return one address or network in Postfix's syntax."""
    if netaddr is None:
        raise AnsibleFilterError("the postfix_networks filter needs the Python library netaddr on the controller")
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
