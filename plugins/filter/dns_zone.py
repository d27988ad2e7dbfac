# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dns_zone_files
short_description: Zone files, SOA serials and server settings for the dns_zones role (four filters)
version_added: 0.1.0
description:
  - Checks every zone of the list (names, record types, addresses, MX, NS and SRV targets, CNAME conflicts, DNSBL
    entries) and renders it as a zone file body whose SOA serial is a placeholder, with the SHA-256 hash of that
    body. A bad zone fails with a message that names the zone and the record.
  - Used by the role mailops.postfix.dns_zones; see docs/roles/dns_zones.md for the zone format.
  - The same file provides C(dns_zone_serials), which gives each rendered zone its serial (the deployed one while the
    content hash is unchanged, else max(today's YYYYMMDD00, deployed + 1)) and its full file content;
    C(dns_addresses), which checks a list of IP addresses; and C(dns_tsig_key), which checks a TSIG key.
positional: defaults
options:
  _input:
    description: The zones, as the role's C(dns_zones_zones) variable.
    type: list
    elements: dict
    required: true
  defaults:
    description: Defaults for the zones, C({ttl, ns, soa}).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Render the zones
  ansible.builtin.set_fact:
    __dns_zones_zone_files: "{{ dns_zones_zones | mailops.postfix.dns_zone_files({'ttl': 3600, 'ns': ['ns1.example.org.']}) }}"

- name: Give them their serials, given the header lines of the deployed files
  ansible.builtin.set_fact:
    __dns_zones_zone_contents: "{{ __dns_zones_zone_files | mailops.postfix.dns_zone_serials(__headers.stdout_lines) }}"
"""

RETURN = r"""
_value:
  description: One dict per zone, C({name, file, body, hash, records}).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mailops.postfix.plugins.module_utils._dns_zone import (
    ZoneError,
    check_addresses,
    check_tsig_key,
    parse_floors,
    parse_grep_headers,
    parse_today,
    zone_files,
    zone_serials,
)


def dns_zone_files(zones, defaults=None):
    try:
        return zone_files(zones, dict(defaults or {}))
    except ZoneError as exc:
        raise AnsibleFilterError(f"dns_zones_zones: {exc}") from None


def dns_zone_serials(files, header_lines, today=None, floor_lines=None):
    """files: the output of dns_zone_files; header_lines: the output lines of
    `grep -H '^; mailops-zone' FILES` on the host; today: YYYYMMDD (default
    today in UTC); floor_lines: "FILE SERIAL" for the zone files on the host
    without the role's header (their serial is the floor)."""
    try:
        return zone_serials(list(files or []), parse_grep_headers(header_lines or []), parse_today(today),
                            parse_floors(floor_lines or []))
    except ZoneError as exc:
        raise AnsibleFilterError(f"dns_zones_zones: {exc}") from None


def dns_addresses(values, variable="addresses"):
    try:
        return check_addresses(values, variable)
    except ZoneError as exc:
        raise AnsibleFilterError(str(exc)) from None


def dns_tsig_key(key, variable="dns_zones_tsig_key"):
    try:
        return check_tsig_key(key, variable)
    except ZoneError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {
            "dns_zone_files": dns_zone_files,
            "dns_zone_serials": dns_zone_serials,
            "dns_addresses": dns_addresses,
            "dns_tsig_key": dns_tsig_key,
        }
