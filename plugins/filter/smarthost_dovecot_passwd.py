# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_dovecot_passwd
short_description: Dovecot's password file for the smarthost role's submission users
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Returns the text of the file, one C(name:hash) line per user, the name lower-cased. The hash is the user's
    C(password_hash), or C({SHA512-CRYPT}) and the hash that O(hashes) holds for the user (the registered results of
    a loop of C(openssl passwd -6) over the users with a C(password), each with C(item.name) and C(stdout)).
  - Fails, naming the user, when a user has neither.
positional: hashes
options:
  _input:
    description: The users, smarthost_sasl_users.
    type: list
    elements: dict
    required: true
  hashes:
    description: The results of the hashing loop.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Write the password file
  ansible.builtin.copy:
    content: "{{ smarthost_sasl_users | mailops.postfix.smarthost_dovecot_passwd(hashed.results | default([])) }}"
    dest: /etc/dovecot/mailops-submission.passwd
    mode: "0640"
  no_log: true
"""

RETURN = r"""
_value:
  description: The file's text, one C(name:hash) line per user.
  type: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_dovecot_passwd

FilterModule = filter_module(smarthost_dovecot_passwd)
