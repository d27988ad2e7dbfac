# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dkim_problems
short_description: Check the dkim role's keys and signing selectors, one message per problem
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.dkim_keys
description:
  - Returns the problems of C(dkim_keys), C(dkim_signing) and C(dkim_key_bits), each message naming the variable, the
    key and the fix; an empty list when all is well.
  - Refused are a key size below 1024 or above 8192 bits, a selector that is not a DNS label, a domain that is not a
    domain name, a key listed twice, an unknown state, and signing for a domain with a selector that has no key in
    state C(present).
  - The role P(mailops.postfix.dkim#role) runs it before it changes anything.
positional: signing, default_bits
"""

EXAMPLES = r"""
- name: Check the keys before any key is made
  ansible.builtin.assert:
    that: __problems | length == 0
    fail_msg: "{{ __problems | join('; ') }}"
  vars:
    __problems: "{{ dkim_keys | mailops.postfix.dkim_problems(dkim_signing, dkim_key_bits) }}"
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variable, the key and the fix; empty when all is well.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import dkim_problems

FilterModule = filter_module(dkim_problems)
