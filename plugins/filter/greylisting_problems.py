# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: greylisting_problems
short_description: Check the greylisting role's variables, one message per problem
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.problems
description:
  - Checks the delay, the ages, the retry window, the auto-whitelisting count, that the restriction order is above 300
    (after C(reject_unauth_destination)), where postgrey listens (an IPv4 address and a port, or an absolute socket
    path), that the greylisting text is one line that the shell and systemd read alike, the syntax of the whitelist
    entries (none covering every client), and that the extra options cannot break C(POSTGREY_OPTS) or repeat an
    option that a variable of the role sets.
  - Whether the addresses and networks are valid and the C(/regex/) entries compile is checked by the role with the
    P(mailops.postfix.postfix_networks#filter) filter and with Perl, on the entries that
    P(mailops.postfix.greylisting_entries#filter) selects.
options:
  _input:
    description: The role's variables, C(greylisting_*), by name.
"""

EXAMPLES = r"""
- name: Check the variables; a delay of 0 is refused
  ansible.builtin.assert:
    that: problems == []
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'greylisting_delay': 0, 'greylisting_text': 'Greylisted'} | mailops.postfix.greylisting_problems }}"
    # ["greylisting_delay: 0 is not a delay; ...", ...]
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variable and the value; empty when all is well.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._greylisting import greylisting_problems

FilterModule = filter_module(greylisting_problems)
