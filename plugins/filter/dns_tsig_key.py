# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dns_tsig_key
short_description: Check a TSIG key for zone transfers
version_added: 0.1.0
description:
  - Checks a TSIG key given as C({name, algorithm, secret}) and returns it normalised (name in lower case, the
    algorithm C(hmac-sha256) when none is given), or V(null) when no key is given.
  - A key without a valid name, with an unknown algorithm, or whose secret is missing or not base64 fails with a
    message that names the variable and what is wrong, never the secret.
extends_documentation_fragment:
  - mailops.postfix.filter
  - mailops.postfix.filter.variable
options:
  _input:
    description:
      - The key, C({name, algorithm, secret}) as C(tsig-keygen) prints it. The algorithm is one of C(hmac-sha256),
        C(hmac-sha384), C(hmac-sha512), C(hmac-sha224), C(hmac-sha1) and C(hmac-md5).
    type: dict
    required: true
  variable:
    default: dns_zones_tsig_key
"""

EXAMPLES = r"""
- name: Check the key before anything changes
  ansible.builtin.assert:
    that: (dns_zones_tsig_key | mailops.postfix.dns_tsig_key) is mapping
  when: dns_zones_tsig_key | length > 0
  no_log: true
"""

RETURN = r"""
_value:
  description: The key, C({name, algorithm, secret}), or V(null) for an empty input.
  type: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._dns_zone import ZoneError, check_tsig_key
from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_errors, filter_module


@filter_errors(ZoneError)
def dns_tsig_key(key, variable="dns_zones_tsig_key"):
    return check_tsig_key(key, variable)


FilterModule = filter_module(dns_tsig_key)
