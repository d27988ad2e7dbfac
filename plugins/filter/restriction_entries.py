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
    description:
      - The order of the entries in the list.
      - Left out, the entries carry no order and the assembler takes it from the registry of orders
        (C(plugins/module_utils/_restrictions.py)), which places C(reject_rbl_client ZONE) entries by their first word.
    type: int
"""

EXAMPLES = r"""
- name: DNSBL entries
  ansible.builtin.debug:
    msg: "{{ ['dnsbl.example'] | mailops.postfix.restriction_entries('reject_rbl_client') }}"
    # [{"name": "reject_rbl_client dnsbl.example", "value": "reject_rbl_client dnsbl.example"}]

- name: Entries at an order of their own
  ansible.builtin.debug:
    msg: "{{ ['permit_dnswl.example'] | mailops.postfix.restriction_entries('permit_dnswl_client', 150) }}"
"""

RETURN = r"""
_value:
  description: The entries.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module


def restriction_entries(items, restriction: str, order: int | None = None) -> list[dict]:
    entries = []
    for item in items:
        value = f"{restriction} {item}"
        entry = {"name": value, "value": value}
        if order is not None:
            entry["order"] = int(order)
        entries.append(entry)
    return entries


FilterModule = filter_module(restriction_entries)
