# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: smarthost_relay_problems
short_description: Check the smarthost role's relays, one problem per relay, without the passwords
version_added: 0.1.0
description:
  - Returns one item per relay with C(variable), C(host), C(port), C(sender) and C(problem), an empty string when
    the relay is fine. No password is ever part of the result.
  - Checks the host and port, credentials given in pairs, the username and password syntax, the sender of a relay
    per sender, that a relay with credentials is reached at the C(secure) TLS level, and that two relays with the
    same next hop carry the same credentials (Postfix finds a login by the server it talks to).
positional: tls_level
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.relays
options:
  tls_level:
    description: smarthost_tls_level.
    type: str
    default: secure
"""

EXAMPLES = r"""
- name: Check every relay, without showing its password
  ansible.builtin.assert:
    that: item.problem == ''
    fail_msg: "{{ item.variable }}: relay {{ item.host }}: {{ item.problem }}"
  loop: "{{ relays | mailops.postfix.smarthost_relay_problems('secure') }}"
"""

RETURN = r"""
_value:
  description: One C({variable, host, port, sender, problem}) per relay.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import smarthost_relay_problems

FilterModule = filter_module(smarthost_relay_problems)
