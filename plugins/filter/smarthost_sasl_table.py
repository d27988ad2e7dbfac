# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_sasl_table
short_description: The SASL password table of the smarthost role's relays, keyed by server
version_added: 0.1.0
description:
  - Returns the entries of smtp_sasl_password_maps, C(nexthop -> username:password), one for each relay with
    credentials. Keys are next hops only, never senders, so each server is offered its own login and no other.
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.relays
"""

EXAMPLES = r"""
- name: Build the password table
  mailops.postfix.postmap:
    tables:
      - path: /etc/postfix/sasl_passwd
        mode: "0600"
        entries: "{{ relays | mailops.postfix.smarthost_sasl_table }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: The table's entries, C(nexthop -> username:password).
  type: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_sasl_table

FilterModule = filter_module(smarthost_sasl_table)
