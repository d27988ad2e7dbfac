# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """What the collection's filters document alike, each said once.

    Every filter extends ``mailops.postfix.filter``, its author; a filter of
    a kind below also extends that kind's fragment, after it. Only
    ``.variable`` and ``.sasl_users`` set C(positional): a filter that
    extends one of them cannot set its own (ansible-doc fails on two), and
    a filter that extends any other lists its positional options itself.

    ``.variable``: the positional option that names the checked variable
    in messages (the filter gives its default). ``.sasl_users``: the input
    and domain of the filters over smarthost_sasl_users. ``.relays``: the
    input of the filters over the output of
    P(mailops.postfix.smarthost_relays#filter). ``.problems``: the input of
    the C(<role>_problems) filters that take a role's variables by name
    (the filter says which), and what a role does with the messages.
    ``.dkim_keys``: the keys, signing selectors and default size of the
    dkim role's filters. ``.tables``: the postfix role's list of lookup
    tables and their default type. ``.dkim_records``: the estate's DKIM
    records, for the filters that publish them.
    """

    DOCUMENTATION = r"""
options: {}
author:
  - mailops.postfix contributors (@mailops)
"""

    VARIABLE = r"""
positional: variable
options:
  variable:
    description: The name of the variable being checked, for error messages.
    type: str
"""

    SASL_USERS = r"""
positional: domain
options:
  _input:
    description: smarthost_sasl_users.
    type: list
    elements: dict
    required: true
  domain:
    description: The domain of the default address C(name@domain), e.g. postfix_mydomain.
    type: str
"""

    RELAYS = r"""
options:
  _input:
    description: The relays, from the P(mailops.postfix.smarthost_relays#filter) filter.
    type: list
    elements: dict
    required: true
"""

    PROBLEMS = r"""
notes:
  - Each message names the variable and its value; the list is empty when all is well. The role asserts that it is
    empty before it changes anything, and fails with all the messages at once.
options:
  _input:
    description: The variables to check, a mapping of each variable's name to its value.
    type: dict
    required: true
"""

    DKIM_KEYS = r"""
options:
  _input:
    description: The keys, C(dkim_keys), each C({domain, selector}) with optional C(bits) and C(state).
    type: list
    elements: dict
    required: true
  signing:
    description: The selector that signs, per domain, C(dkim_signing).
    type: dict
    default: {}
  default_bits:
    description: The size of a key that does not give C(bits), C(dkim_key_bits).
    type: int
    default: 2048
"""

    TABLES = r"""
options:
  _input:
    description: The postfix role's lookup tables, C(__postfix_table_list) in its vars.
    type: list
    elements: dict
    required: true
  map_type:
    description: The type of the tables that do not set one (postfix_map_type).
    type: str
    default: hash
"""

    DKIM_RECORDS = r"""
options:
  dkim_records:
    description:
      - The DKIM records of the estate, a list of the hosts' C(dkim_records) facts (each a list of records, as
        P(mailops.postfix.dkim_records#filter) makes them).
    type: list
    elements: raw
    default: []
"""
