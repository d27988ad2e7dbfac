# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_sender_logins
short_description: The smtpd_sender_login_maps table of the smarthost role's submission users
version_added: 0.1.0
description:
  - Returns the entries of the table that says which users may send as which envelope sender, C(address -> users),
    the users comma-separated, names and addresses in lower case.
  - A user's addresses are its C(addresses) (addresses and C(@domain)s), by default its name when the name is an
    address, else C(name@domain).
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.sasl_users
options:
  domain:
    required: true
"""

EXAMPLES = r"""
- name: Which users may send as which address
  ansible.builtin.debug:
    msg: "{{ [{'name': 'alice'}, {'name': 'web1', 'addresses': ['@web1.example.org']}] | mailops.postfix.smarthost_sender_logins('example.org') }}"
    # {"alice@example.org": "alice", "@web1.example.org": "web1"}
"""

RETURN = r"""
_value:
  description: The table's entries, C(address -> users).
  type: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_sender_logins

FilterModule = filter_module(smarthost_sender_logins)
