# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dns_addresses
short_description: Check a list of IP addresses for a name server's settings
version_added: 0.1.0
description:
  - Checks that every item is an IPv4 or IPv6 address (not a network) and returns them in canonical form,
    duplicates removed, order kept. A single string is taken as a list of one.
  - An item that is not an address fails with a message that names the variable and the item. The role
    P(mailops.postfix.dns_zones#role) checks its primaries and secondaries with it.
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.variable
options:
  _input:
    description: The addresses.
    type: list
    elements: str
    required: true
  variable:
    default: addresses
"""

EXAMPLES = r"""
- name: Check the primaries, in canonical form
  ansible.builtin.set_fact:
    __primaries: "{{ dns_zones_primaries | mailops.postfix.dns_addresses('dns_zones_primaries') }}"
  # ['192.0.2.53', '2001:db8::53'] for ['192.0.2.53', '2001:DB8:0::53']
"""

RETURN = r"""
_value:
  description: The addresses in canonical form, each once, in the order given.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._dns_zone import ZoneError, check_addresses
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_errors, filter_module


@filter_errors(ZoneError)
def dns_addresses(values, variable="addresses"):
    return check_addresses(values, variable)


FilterModule = filter_module(dns_addresses)
