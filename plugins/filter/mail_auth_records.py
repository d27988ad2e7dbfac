# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mail_auth_records
short_description: Add the mail authentication TXT records (DKIM, SPF, DMARC, MTA-STS, TLS-RPT) to DNS zones
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.dkim_records
description:
  - Returns the zones (in the format of C(dns_zones_zones)) with the TXT records of each mail domain added to the
    zone that holds it (the longest matching zone name), with absolute owner names.
  - DKIM records come from the C(dkim_records) facts of the estate's hosts (role P(mailops.postfix.dkim#role)); SPF is
    made from C({mx, a, ip, include, all}) (at most ten DNS-querying terms), DMARC from C({p, sp, rua, ruf, pct, adkim,
    aspf}), MTA-STS from C({id}), TLS-RPT from C({rua}).
  - A mail domain in no zone, a name that already has an SPF or DMARC record in the zone, or two hosts publishing
    different keys for one selector fail with a message naming the entry.
  - See C(docs/mail-auth.md).
positional: mail_domains, dkim_records
options:
  _input:
    description: The zones, C(dns_zones_zones).
    type: list
    elements: dict
    required: true
  mail_domains:
    description: The mail domains, C(dns_zones_mail_domains).
    type: list
    elements: dict
    required: true
seealso:
  - plugin: mailops.postfix.mail_auth_report
    plugin_type: filter
    description: The same records as zone-file lines, for DNS served elsewhere.
"""

EXAMPLES = r"""
- name: Add each mail domain's records to its zone
  ansible.builtin.set_fact:
    __zones: "{{ dns_zones_zones | mailops.postfix.mail_auth_records(dns_zones_mail_domains, __dkim) }}"
"""

RETURN = r"""
_value:
  description: The zones, each mail domain's TXT records added to the zone that holds it.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import mail_auth_records

FilterModule = filter_module(mail_auth_records)
