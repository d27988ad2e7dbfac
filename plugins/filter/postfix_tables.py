# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: postfix_tables
short_description: Turn the postfix role's list of lookup tables into the postmap module's items
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.tables
description:
  - The postfix role describes its lookup tables once, as a list of C({name, entries}) with optional C(path) (default
    C(/etc/postfix/NAME)), C(type) (default O(map_type)), C(aliases) (built with C(postalias)), C(always) (kept even
    without entries) and C(parameters) (the C(main.cf) parameters that name the table, for the
    P(mailops.postfix.postfix_table_maps#filter) filter).
  - Returns one item per table for the O(mailops.postfix.postmap#module:tables) option, with C(state=absent) for a table
    without entries (unless C(always)).
  - Entries given as a list of C({pattern, action}) (header and body checks) become the lines C(pattern action).
positional: map_type
"""

EXAMPLES = r"""
- name: Build the lookup tables
  mailops.postfix.postmap:
    tables: "{{ tables | mailops.postfix.postfix_tables('lmdb') }}"
  vars:
    tables:
      - {name: aliases, path: /etc/aliases, aliases: true, always: true, entries: {postmaster: root}}
      - {name: virtual, entries: {}}
      - {name: header_checks, type: regexp, entries: [{pattern: "/^Subject: spam/", action: REJECT}]}
  # the virtual table is absent (no entries): its item has state=absent
"""

RETURN = r"""
_value:
  description: One C({path, type, entries, state}) per table (with C(aliases) for the aliases table).
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._postfix_tables import postfix_tables

FilterModule = filter_module(postfix_tables)
