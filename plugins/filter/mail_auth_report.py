# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mail_auth_report
short_description: The mail authentication records as zone-file lines, for DNS served elsewhere
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.dkim_records
description:
  - Returns one zone-file line per record (C(NAME TTL IN TXT "..." "...")), the values split into strings of at most
    255 bytes, for the mail domains given and for every domain of the DKIM records.
  - The input is the same as for P(mailops.postfix.mail_auth_records#filter); the playbook
    C(mailops.postfix.mail_records) prints it.
positional: dkim_records, ttl
options:
  _input:
    description: The mail domains, as C(dns_zones_mail_domains).
    type: list
    elements: dict
    required: true
  ttl:
    description: The TTL written on each line.
    type: int
    default: 3600
"""

EXAMPLES = r"""
- name: Print the records to publish
  ansible.builtin.debug:
    msg: "{{ mail_domains | mailops.postfix.mail_auth_report(__dkim, 3600) }}"
"""

RETURN = r"""
_value:
  description: Zone-file lines, C(NAME TTL IN TXT ...), one per record.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import mail_auth_report

FilterModule = filter_module(mail_auth_report)
