# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dmarc_hosts
short_description: The hosts whose mail OpenDMARC and policyd-spf leave alone, as plain CIDR networks
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Joins lists of IPv4 and IPv6 addresses and networks (Postfix's C([2001:db8::]/32) form included) into one list
    in the form OpenDMARC's C(IgnoreHosts) file and policyd-spf's C(Whitelist) read (C(192.0.2.7/32),
    C(2001:db8::/32)), duplicates removed, order kept.
  - Check the lists with P(mailops.postfix.dmarc_problems#filter) first; an entry that is not an address or network
    fails here.
positional: _lists
options:
  _input:
    description: The first list.
    type: list
    elements: str
    required: true
  _lists:
    description: More lists.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Write the hosts OpenDMARC ignores
  ansible.builtin.copy:
    content: "{{ postfix_mynetworks | mailops.postfix.dmarc_hosts(dmarc_ignore_hosts) | join('\n') }}\n"
    dest: /etc/opendmarc/ignore.hosts
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The networks.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._dmarc import dmarc_hosts
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module

FilterModule = filter_module(dmarc_hosts)
