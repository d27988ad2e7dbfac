# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dns_zone_files
short_description: Check zones given as variables and render their zone files
version_added: 0.1.0
description:
  - Checks every zone of the list (names, record types, addresses, MX, NS and SRV targets, CNAME conflicts, DNSBL
    entries) and renders it as a zone file body whose SOA serial is still a placeholder, with the SHA-256 hash of
    that body. A bad zone fails with a message that names the zone and the record.
  - The role P(mailops.postfix.dns_zones#role) is built on it; its page (C(docs/roles/dns_zones.md)) describes the
    zone format. The serials are given by P(mailops.postfix.dns_zone_serials#filter).
positional: defaults
extends_documentation_fragment:
  - mailops.postfix.filter
options:
  _input:
    description: The zones, in the format of the role's C(dns_zones_zones) variable.
    type: list
    elements: dict
    required: true
  defaults:
    description:
      - Defaults for every zone, C({ttl, ns, soa}), as the role's C(dns_zones_default_*) variables give them.
    type: dict
    default: {}
seealso:
  - plugin: mailops.postfix.dns_zone_serials
    plugin_type: filter
  - plugin: mailops.postfix.dns_zones
    plugin_type: role
    description: The role that serves the zones.
"""

EXAMPLES = r"""
- name: Render the zones with a placeholder for the serial
  ansible.builtin.set_fact:
    __zone_files: "{{ dns_zones_zones | mailops.postfix.dns_zone_files({'ttl': 3600, 'ns': ['ns1.example.org.']}) }}"
"""

RETURN = r"""
_value:
  description: One dict per zone, C({name, file, body, hash, records}); C(body) has a placeholder for the serial.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._dns_zone import ZoneError, zone_files
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_errors, filter_module


@filter_errors(ZoneError, prefix="dns_zones_zones: ")
def dns_zone_files(zones, defaults=None):
    return zone_files(zones, dict(defaults or {}))


FilterModule = filter_module(dns_zone_files)
