# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dkim_records
short_description: Each DKIM selector's DNS record, for the dkim role's fact
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - Returns one C({domain, selector, name, state, signing, value}) per key of the output of
    P(mailops.postfix.dkim_keys#filter), the value made by P(mailops.postfix.dkim_record#filter) from the public
    key read on the host.
  - Revoked selectors get an empty C(p=); absent ones, and present keys whose public key is not given (check mode on a
    first run), are left out.
positional: public_keys
options:
  _input:
    description: The keys, from P(mailops.postfix.dkim_keys#filter).
    type: list
    elements: dict
    required: true
  public_keys:
    description: The public keys in PEM, by private key file.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The records that the dkim role publishes as a fact
  ansible.builtin.set_fact:
    dkim_records: "{{ __keys | mailops.postfix.dkim_records({'/etc/dkimkeys/example.org.s1.private': __pem}) }}"
"""

RETURN = r"""
_value:
  description: One C({domain, selector, name, state, signing, value}) per published selector.
  type: list
  elements: dict
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module
from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import dkim_records

FilterModule = filter_module(dkim_records)
