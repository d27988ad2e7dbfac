# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: backup_mx_problems
short_description: Check the backup_mx role's domains, primary, recipients, transport and queue lifetimes
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.problems
description:
  - Checks that C(backup_mx_domains) lists domain names, none of them delivered on this host (in its
    C(postfix_mydestination) with C($myhostname) and C($mydomain) expanded, its C(postfix_virtual_alias_domains), or
    the keys of its C(postfix_virtual_aliases)); that C(backup_mx_primary_host) is another host of the inventory; that
    every C(backup_mx_recipients) address is in a relayed domain and that every relayed domain has a valid recipient;
    that C(backup_mx_transport) is a next hop C(transport:[host]:port); and that the queue lifetimes are Postfix times,
    the bounce lifetime no longer than the maximal one.
positional: recipients, inventory_hostname, hosts
options:
  _input:
    description:
      - The variables, C(backup_mx_domains), C(backup_mx_recipients), C(backup_mx_primary_host),
        C(backup_mx_transport), C(backup_mx_maximal_queue_lifetime), C(backup_mx_bounce_queue_lifetime) and this host's
        C(postfix_mydestination), C(postfix_myhostname), C(postfix_mydomain), C(postfix_virtual_alias_domains),
        C(postfix_virtual_aliases).
  recipients:
    description: All valid recipients, from the P(mailops.postfix.backup_mx_recipients#filter) filter.
    type: list
    elements: str
  inventory_hostname:
    description: This host's inventory name.
    type: str
    default: ""
  hosts:
    description: The inventory's host names, to check C(backup_mx_primary_host); not checked when left out.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Check the backup MX's variables before anything changes
  ansible.builtin.assert:
    that: problems == []
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ {'backup_mx_domains': ['example.org'], 'backup_mx_recipients': ['bob@example.org']}
         | mailops.postfix.backup_mx_problems(['bob@example.org'], inventory_hostname) }}
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variable and the value; empty when the backup MX may be set up.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._backup_mx import backup_mx_problems
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

FilterModule = filter_module(backup_mx_problems)
