# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: restriction_entries
short_description: Turn a list of arguments into named entries of a Postfix restriction list
version_added: 0.1.0
description:
  - Builds the C({name, order, value}) entries that the configuration fragments use for composed list
    parameters, one for each item, with the value C(RESTRICTION item).
positional: restriction, order
extends_documentation_fragment:
  - mailops.postfix.filter
options:
  _input:
    description: The arguments, e.g. DNSBL zones.
    type: list
    elements: str
    required: true
  restriction:
    description: The restriction word placed before each item, e.g. C(reject_rbl_client).
    type: str
    required: true
  order:
    description: The order of the entries in the list.
    type: int
    default: 50
"""

EXAMPLES = r"""
- name: DNSBL entries
  ansible.builtin.debug:
    msg: "{{ ['dnsbl.example'] | mailops.postfix.restriction_entries('reject_rbl_client', 500) }}"
    # [{"name": "reject_rbl_client dnsbl.example", "order": 500, "value": "reject_rbl_client dnsbl.example"}]
"""

RETURN = r"""
_value:
  description: The entries.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module


def restriction_entries(items, restriction: str, order: int = 50) -> list[dict]:
    entries = []
    for item in items:
        value = f"{restriction} {item}"
        entries.append({"name": value, "order": int(order), "value": value})
    return entries


FilterModule = filter_module(restriction_entries)
