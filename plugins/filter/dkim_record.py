# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dkim_record
short_description: The TXT value of a DKIM key record, from the public key
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Returns C(v=DKIM1; h=sha256; k=rsa; p=BASE64) from a public key in PEM (SubjectPublicKeyInfo, as
    community.crypto's C(openssl_privatekey_info) returns it), or C(v=DKIM1; p=) for a revoked key (RFC 6376 3.6.1).
  - The value is one string; the zone writer splits it into strings of at most 255 bytes.
positional: state, key_type
options:
  _input:
    description: The public key in PEM.
    type: str
    required: true
  state:
    description: C(present), or C(revoked) for an empty C(p=).
    type: str
    default: present
  key_type:
    description: The key type, C(k=).
    type: str
    default: rsa
"""

EXAMPLES = r"""
- name: The TXT value of the record of a key read on the host
  ansible.builtin.debug:
    msg: "{{ __info.public_key | mailops.postfix.dkim_record }}"
"""

RETURN = r"""
_value:
  description: The TXT value, C(v=DKIM1; ...), one string however long.
  type: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import dkim_record

FilterModule = filter_module(dkim_record)
