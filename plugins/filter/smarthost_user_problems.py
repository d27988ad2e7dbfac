# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_user_problems
short_description: Check the submission users of the smarthost role, one problem per user, without the passwords
version_added: 0.1.0
description:
  - Returns one item per user with C(name) and C(problem), an empty string when the user is fine. No password is
    ever part of the result.
  - Checks the name, that exactly one of C(password) and C(password_hash) is set, that C(password_hash) is a salted
    slow hash (C({SHA512-CRYPT}), C({SHA256-CRYPT}), C({BLF-CRYPT}), C({ARGON2I}), C({ARGON2ID})) and never
    C({PLAIN}) or another scheme that keeps the password in clear, that C(password) is not a C({PLAIN}) hash, and
    the syntax of C(addresses).
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.sasl_users
options:
  domain:
    default: ""
"""

EXAMPLES = r"""
- name: The users with a problem, and what it is
  ansible.builtin.debug:
    msg: >-
      {{ smarthost_sasl_users | mailops.postfix.smarthost_user_problems('example.org')
         | rejectattr('problem', 'eq', '') | items2dict(key_name='name', value_name='problem') }}
    # {"bob": "set password or password_hash, not both"}
"""

RETURN = r"""
_value:
  description: One C({name, problem}) per user.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_user_problems

FilterModule = filter_module(smarthost_user_problems)
