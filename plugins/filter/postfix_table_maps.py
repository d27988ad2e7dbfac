# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: postfix_table_maps
short_description: The TYPE:PATH of each of the postfix role's lookup tables that has entries
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.tables
description:
  - Takes the same list of tables as the P(mailops.postfix.postfix_tables#filter) filter and returns C(TYPE:PATH) for
    each table that is present (has entries, or sets C(always)), the way C(main.cf) names it.
  - With O(key=name), keyed by the table's name, for the restriction entries that name a table
    (C(check_client_access hash:/etc/postfix/client_access)); with O(key=parameter), keyed by each of the table's
    C(parameters), ready to be combined into C(main.cf).
positional: map_type, key
options:
  key:
    description: What the result is keyed by.
    type: str
    default: name
    choices: [name, parameter]
"""

EXAMPLES = r"""
- name: main.cf parameters of the tables that have entries
  ansible.builtin.debug:
    msg: "{{ tables | mailops.postfix.postfix_table_maps('hash', 'parameter') }}"
  vars:
    tables:
      - {name: virtual, entries: {info@example.org: alice}, parameters: [virtual_alias_maps]}
      - {name: transport, entries: {}, parameters: [transport_maps]}
  # {"virtual_alias_maps": "hash:/etc/postfix/virtual"}
"""

RETURN = r"""
_value:
  description: C(TYPE:PATH) by table name or by parameter.
  type: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._postfix_tables import postfix_table_maps

FilterModule = filter_module(postfix_table_maps)
