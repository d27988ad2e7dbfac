# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: greylisting_entries
short_description: The entries of a postgrey whitelist of one kind, networks or regular expressions
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - With O(kind=network), the entries written as an IPv4 or IPv6 address or network, as postgrey reads them.
  - With O(kind=regex), the C(/regex/) entries, without the slashes.
positional: kind
options:
  _input:
    description: Whitelist entries (greylisting_whitelist_clients, greylisting_whitelist_recipients).
    type: list
    elements: str
    required: true
  kind:
    description: Which entries.
    type: str
    default: network
    choices: [network, regex]
"""

EXAMPLES = r"""
- name: Pick the networks out of the client whitelist
  ansible.builtin.debug:
    msg: "{{ ['mail.example.org', '192.0.2.0/24', '/^mx[0-9]+\\.example\\.net$/'] | mailops.postfix.greylisting_entries('network') }}"
    # ["192.0.2.0/24"]
"""

RETURN = r"""
_value:
  description: The entries of that kind, in the order given; C(/regex/) entries without their slashes.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._greylisting import greylisting_entries

FilterModule = filter_module(greylisting_entries)
