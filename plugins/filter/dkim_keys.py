# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dkim_keys
short_description: Normalise the dkim role's keys, with their files and which one signs
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.dkim_keys
description:
  - Returns one dict per key of C(dkim_keys) with C(domain) (lower case), C(selector), C(bits), C(state), C(file) (the
    private key), C(keyname) and C(name) (the record's owner, C(SELECTOR._domainkey.DOMAIN)) and C(signing).
  - A domain signs with the selector that C(dkim_signing) names for it, else with its last key in state C(present).
  - Fails with the messages of P(mailops.postfix.dkim_problems#filter) on bad input.
positional: signing, default_bits, key_dir
options:
  key_dir:
    description: The directory of the private keys.
    type: str
    default: /etc/dkimkeys
"""

EXAMPLES = r"""
- name: Normalise the keys, with their files and signing selectors
  ansible.builtin.set_fact:
    __keys: "{{ dkim_keys | mailops.postfix.dkim_keys(dkim_signing, 2048, '/etc/dkimkeys') }}"
"""

RETURN = r"""
_value:
  description: One C({domain, selector, bits, state, file, keyname, name, signing}) per key.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import dkim_keys

FilterModule = filter_module(dkim_keys)
