# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# The documentation of each filter is in NAME.yml beside this file (ansible-doc -t filter).

from ansible.errors import AnsibleFilterError
from ansible_collections.mailops.postfix.plugins.module_utils._dns_zone import (
    ZoneError,
    check_addresses,
    check_tsig_key,
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


def dns_zone_serials(files, header_lines, today=None):
    """files: the output of dns_zone_files; header_lines: the output lines of
    `grep -H '^; mailops-zone' FILES` on the host; today: YYYYMMDD (default
    today in UTC)."""
    try:
        return zone_serials(list(files or []), parse_grep_headers(header_lines or []), parse_today(today))
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
