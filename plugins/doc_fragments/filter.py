# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """What the collection's filters document alike, each said once. A filter
    extends one of these; each gives the author.

    ``mailops.postfix.filter``: the author only. ``.variable``: the
    positional option that names the checked variable in messages (the
    filter gives its default). ``.sasl_users``: the input and domain of the
    filters over smarthost_sasl_users. ``.relays``: the input of the filters
    over the output of P(mailops.postfix.smarthost_relays#filter).
    """

    DOCUMENTATION = r"""
options: {}
author:
  - mailops.postfix contributors (@mailops)
"""

    VARIABLE = r"""
author:
  - mailops.postfix contributors (@mailops)
positional: variable
options:
  variable:
    description: The name of the variable being checked, for error messages.
    type: str
"""

    SASL_USERS = r"""
author:
  - mailops.postfix contributors (@mailops)
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
author:
  - mailops.postfix contributors (@mailops)
options:
  _input:
    description: The relays, from the P(mailops.postfix.smarthost_relays#filter) filter.
    type: list
    elements: dict
    required: true
"""
