# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: backup_mx_recipients
short_description: The valid recipients of a backup MX, given directly or taken from the primary's inventory variables
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Returns the addresses of O(_input) (backup_mx_recipients) and, when O(primary_host) is set, those that the
    primary's inventory variables (O(primary), its C(hostvars)) give, lower-cased, each once, sorted.
  - From the primary, the addresses (and C(@domain) catch-alls) in a relayed domain of its C(backup_mx_recipients)
    and of the keys of its C(postfix_virtual_aliases); and the keys of its C(postfix_aliases) at each relayed domain
    in its C(postfix_mydestination), where C($myhostname) and C($mydomain) stand for its C(postfix_myhostname) and
    C(postfix_mydomain) (else its inventory name when that is a dotted name, and that name without its first label).
  - Where the primary's inventory does not set C(postfix_aliases) or C(postfix_mydestination), the values of
    O(postfix_defaults) apply, the postfix role's defaults.
positional: domains, primary, primary_host, postfix_defaults
options:
  _input:
    description: The recipients given directly (backup_mx_recipients).
    type: list
    elements: str
    required: true
  domains:
    description: The relayed domains (backup_mx_domains).
    type: list
    elements: str
    required: true
  primary:
    description: The primary's variables, C(hostvars[backup_mx_primary_host]).
    type: dict
  primary_host:
    description: The primary's inventory name (backup_mx_primary_host); empty for none.
    type: str
    default: ""
  postfix_defaults:
    description: The postfix role's defaults (C(postfix_aliases), C(postfix_mydestination)).
    type: dict
"""

EXAMPLES = r"""
- name: The addresses the backup MX accepts mail for
  ansible.builtin.debug:
    msg: >-
      {{ ['carol@example.org'] | mailops.postfix.backup_mx_recipients(['example.org'], hostvars['mx1'], 'mx1',
                                                                       {'postfix_aliases': {'postmaster': 'root'}}) }}
"""

RETURN = r"""
_value:
  description: The valid recipients, lower-cased, each once, sorted.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._backup_mx import backup_mx_recipients
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

FilterModule = filter_module(backup_mx_recipients)
