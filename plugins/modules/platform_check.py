#!/usr/bin/python
# Copyright: mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The work is done by the action plugin of the same name
# (plugins/action/platform_check.py), on the controller; this file holds its
# documentation.

from __future__ import annotations

DOCUMENTATION = r"""
module: platform_check
short_description: Stop on a host that is not Debian 12 or 13
version_added: 0.1.0
description:
  - Fails, naming the host's distribution and release, when the host is not Debian 12 or 13, the releases the
    collection supports. Every role of the collection runs it as its first task, so that a role stops before it
    changes anything on a host it was not made for.
  - >-
    The message says which role stopped, on which host, what the host runs and what is supported, for example
    "role mailops.postfix.postfix stops on mx1: it runs Debian 11.11 (bullseye); the collection supports Debian 12
    or 13. Nothing was changed on the host."
  - >-
    Reads the facts C(distribution) and C(distribution_major_version). When the play did not gather facts
    (C(gather_facts: false)), it gathers the minimal subset of facts (the setup module's C(gather_subset=!all): the
    distribution, the fqdn, the package and service managers, no hardware or network scan) and keeps them as the
    host's facts, which the roles read.
  - Runs as an action plugin on the controller, and the setup module on the host when facts are missing.
  - The releases are compared by major version (Debian 12.8 is Debian 12); Debian testing and unstable, whose
    version is a code name, are not supported releases.
extends_documentation_fragment:
  # First: a fragment extended later gives way to the ones before it.
  - mailops.postfix.attributes.read_only
  - mailops.postfix.attributes
options: {}
"""

EXAMPLES = r"""
- name: Stop on a host that is not Debian 12 or 13
  mailops.postfix.platform_check:
"""

RETURN = r"""
platform:
  description: The host's distribution facts that were compared.
  returned: always
  type: dict
  sample:
    distribution: Debian
    distribution_version: "12.8"
    distribution_major_version: "12"
    distribution_release: bookworm
ansible_facts:
  description: The minimal subset of facts, when the play had not gathered facts (kept as the host's facts).
  returned: when the play gathered no facts
  type: dict
"""
