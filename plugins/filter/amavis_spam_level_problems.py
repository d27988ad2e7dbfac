# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: amavis_spam_level_problems
short_description: Check that the amavis role's spam levels rise from tag to tag2 to kill
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Returns one message for each pair of levels out of order (kill below tag, kill below tag2, tag2 below tag), for
    the global levels and for each domain policy, naming the variables or the domain and the levels; or an empty
    list.
  - A level that a domain policy leaves out, or sets to null, is the global one.
positional: tag, tag2, kill
options:
  _input:
    description: The domain policies, amavis_domain_policies.
    type: list
    elements: dict
    required: true
  tag:
    description: amavis_spam_tag_level.
    type: float
    required: true
  tag2:
    description: amavis_spam_tag2_level.
    type: float
    required: true
  kill:
    description: amavis_spam_kill_level.
    type: float
    required: true
"""

EXAMPLES = r"""
- name: Check that the spam levels rise from tag to kill
  ansible.builtin.assert:
    that: problems == []
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ [{'domain': 'example.org', 'spam_kill_level': 1}] | mailops.postfix.amavis_spam_level_problems(2, 6.31, 6.31) }}"
    # ["amavis_domain_policies, domain example.org: the spam levels must rise from tag to tag2 to kill, but the kill
    #   level 1 is below the tag level 2", ...]
"""

RETURN = r"""
_value:
  description: One message per pair of levels out of order, globally or in a domain policy; empty when all rise.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._amavis import amavis_spam_level_problems
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

FilterModule = filter_module(amavis_spam_level_problems)
