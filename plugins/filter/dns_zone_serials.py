# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dns_zone_serials
short_description: Give rendered zones the SOA serial they need and their full file content
version_added: 0.1.0
description:
  - Takes the zones rendered by P(mailops.postfix.dns_zone_files#filter) and the header lines of the zone files
    already on the host, and gives each zone its serial and its full file content.
  - A zone whose content hash is that of the deployed file keeps the deployed serial; any other zone gets
    max(today's C(YYYYMMDD00), deployed serial + 1). So the serial changes only when the content does, and a
    run in check mode computes the same serial that the real run writes.
positional: header_lines, today, floor_lines
extends_documentation_fragment:
  - mailops.postfix.filter
options:
  _input:
    description: The output of P(mailops.postfix.dns_zone_files#filter).
    type: list
    elements: dict
    required: true
  header_lines:
    description:
      - The lines of C(grep -H '^; mailops-zone' FILES) run on the host over the deployed zone files (empty for
        a first run). Each names a file and its serial and content hash.
    type: list
    elements: str
    required: true
  today:
    description: The date of the serials, C(YYYYMMDD) or C(YYYY-MM-DD). Today in UTC by default.
    type: str
  floor_lines:
    description:
      - C(FILE SERIAL) lines for the zone files on the host that lack the role's header (written by hand or by an
        earlier tool); their SOA serial is the floor, so the new serial is never lower than the one secondaries
        already have.
    type: list
    elements: str
seealso:
  - plugin: mailops.postfix.dns_zone_files
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Read the headers of the deployed zone files
  ansible.builtin.command: grep -H '^; mailops-zone' /etc/bind/mailops/db.example.org
  register: __headers
  changed_when: false
  failed_when: __headers.rc > 1

- name: Give the zones their serials
  ansible.builtin.set_fact:
    __zones: "{{ __zone_files | mailops.postfix.dns_zone_serials(__headers.stdout_lines) }}"
"""

RETURN = r"""
_value:
  description:
    - One dict per zone, C({name, file, serial, previous_serial, changed, content}).
    - C(changed) is true when the content differs from the deployed file's; C(content) is the whole zone file.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._dns_zone import (
    ZoneError,
    parse_floors,
    parse_grep_headers,
    parse_today,
    zone_serials,
)
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_errors, filter_module


@filter_errors(ZoneError, prefix="dns_zones_zones: ")
def dns_zone_serials(files, header_lines, today=None, floor_lines=None):
    """files: the output of dns_zone_files; header_lines: the output lines of
    `grep -H '^; mailops-zone' FILES` on the host; today: YYYYMMDD (default
    today in UTC)."""
    return zone_serials(
        list(files or []),
        parse_grep_headers(header_lines or []),
        parse_today(today),
        parse_floors(floor_lines or []),
    )


FilterModule = filter_module(dns_zone_serials)
