# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_dovecot_salts
short_description: The salts of the SHA512-CRYPT hashes in Dovecot's password file, by user
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Reads the text of the smarthost role's Dovecot password file (C(name:{SHA512-CRYPT}$6$SALT$HASH) lines) and
    returns C(name -> SALT), so that the role hashes an unchanged password with its old salt and the file does not
    change. Lines of other schemes are left out.
options:
  _input:
    description: The password file's text (empty when it does not exist).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Hash a password with the user's old salt
  ansible.builtin.command:
    argv: [openssl, passwd, -6, -salt, "{{ salts[item.name | lower] | default(new_salt) }}", -stdin]
    stdin: "{{ item.password }}"
  vars:
    salts: "{{ current.content | default('') | b64decode | mailops.postfix.smarthost_dovecot_salts }}"
"""

RETURN = r"""
_value:
  description: The salts by user name.
  type: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_dovecot_salts

FilterModule = filter_module(smarthost_dovecot_salts)
