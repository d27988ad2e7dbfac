# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_relays
short_description: The smarthost role's relays in one list, with Postfix's next hop for each
version_added: 0.1.0
description:
  - Joins the relay hosts, the fallback relays and the relays per sender of the smarthost role into one list. Each
    item keeps its keys and gains C(variable) (the role variable it came from), C(kind) (C(relay), C(fallback) or
    C(sender)), C(port) (587 when not given) and C(nexthop) as Postfix writes it, C([host]:port), or C(host:port)
    when C(mx) is true.
positional: fallback_relays, sender_relayhosts
extends_documentation_fragment:
  - mailops.postfix.filter
options:
  _input:
    description: The relay hosts (smarthost_relayhosts).
    type: list
    elements: dict
    required: true
  fallback_relays:
    description: The fallback relays (smarthost_fallback_relays).
    type: list
    elements: dict
    default: []
  sender_relayhosts:
    description: The relays per sender (smarthost_sender_relayhosts).
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: The next hops of the relays
  ansible.builtin.debug:
    msg: "{{ [{'host': 'smtp.example.net'}] | mailops.postfix.smarthost_relays([], []) | map(attribute='nexthop') }}"
    # ["[smtp.example.net]:587"]
"""

RETURN = r"""
_value:
  description: The relays, each with C(variable), C(kind), C(host), C(port), C(username), C(password), C(nexthop).
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_relays

FilterModule = filter_module(smarthost_relays)
