# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dmarc_problems
short_description: Check the variables of the dmarc role, one message per problem
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.problems
description:
  - Checks that the authserv-ids are domain names, that the hosts to leave alone are IPv4 or IPv6 addresses or
    networks and none covers every address, that the SPF check comes after C(reject_unauth_destination) (order above
    300), and the policy service's time limit.
options:
  _input:
    description: The dmarc role's variables and C(postfix_mynetworks), by name.
"""

EXAMPLES = r"""
- name: Check the dmarc role's variables
  vars:
    __problems: >-
      {{ {'dmarc_authserv_id': dmarc_authserv_id, 'dmarc_ignore_hosts': dmarc_ignore_hosts}
         | mailops.postfix.dmarc_problems }}
  ansible.builtin.assert:
    that: __problems | length == 0
    fail_msg: "{{ __problems | join('; ') }}"
"""

RETURN = r"""
_value:
  description: One message per problem, each naming its variable; empty when all is well.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._dmarc import dmarc_problems
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

FilterModule = filter_module(dmarc_problems)
