# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: missing_packages
short_description: The Debian packages that dpkg-query does not show as installed
version_added: 0.1.0
description:
  - Reads the output of C(dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' PACKAGE...) and returns the
    packages asked for that are not installed, in the order asked. A package that dpkg does not know
    (not in the output at all), one removed with its configuration left (C(rc)) and one half-installed
    all count as missing.
  - The roles use it in check mode, where the apt module cannot tell on a host without python3-apt.
positional: dpkg_query
extends_documentation_fragment:
  - mailops.postfix.filter
options:
  _input:
    description: The packages wanted.
    type: list
    elements: str
    required: true
  dpkg_query:
    description: The lines that C(dpkg-query) printed.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Packages still to install
  ansible.builtin.debug:
    msg: "{{ ['postfix', 'postgrey'] | mailops.postfix.missing_packages(['ii postfix', 'rc postgrey']) }}"
    # ["postgrey"]
"""

RETURN = r"""
_value:
  description: The packages that are not installed.
  type: list
  elements: str
"""

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module


def missing_packages(wanted, dpkg_query) -> list[str]:
    installed = set()
    for line in dpkg_query:
        fields = str(line).split()
        # "ii" = wanted install, installed; a third, non-blank flag is an error.
        if len(fields) == 2 and fields[0] == "ii":
            installed.add(fields[1].split(":")[0])
    missing = []
    for package in wanted:
        if package not in installed and package not in missing:
            missing.append(package)
    return missing


FilterModule = filter_module(missing_packages)
