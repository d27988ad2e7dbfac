# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: stale_fragments
short_description: The fragments on a host that no role of the play applies
version_added: 0.1.0
extends_documentation_fragment:
  - mailops.postfix.filter
description:
  - From the fragment files found on a host (C(/etc/postfix/mailops.d/NAME.json)), the names of those that belong to
    no role of the play and that no M(mailops.postfix.postfix_fragment) task applied earlier in the run, sorted.
  - A role's fragment is named after the role; role names are compared without their collection
    (C(mailops.postfix.greylisting) owns the fragment C(greylisting)).
  - The postfix role removes these when C(postfix_fragments_exclusive) is true.
positional: roles, applied
options:
  _input:
    description: The fragment files (paths or names; a directory and a C(.json) suffix are left out).
    type: list
    elements: str
    required: true
  roles:
    description: The names of the roles of the play (C(ansible_role_names)), with or without their collection.
    type: list
    elements: str
    required: true
  applied:
    description: The fragments applied earlier in the run (the host fact C(mailops_postfix_fragments)).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Fragments to remove
  ansible.builtin.debug:
    msg: >-
      {{ ['/etc/postfix/mailops.d/postfix.json', '/etc/postfix/mailops.d/amavis.json']
         | mailops.postfix.stale_fragments(['mailops.postfix.postfix'], []) }}
    # ["amavis"]
"""

RETURN = r"""
_value:
  description: The names of the stale fragments, sorted.
  type: list
  elements: str
"""

import posixpath

from ansible_collections.mailops.postfix.plugins.plugin_utils._filter import filter_module


def fragment_name(path: str) -> str:
    """C(/etc/postfix/mailops.d/tls.json) -> C(tls)."""
    name = posixpath.basename(str(path))
    return name[: -len(".json")] if name.endswith(".json") else name


def stale_fragments(files, roles, applied=None) -> list[str]:
    owned = {str(role).rsplit(".", 1)[-1] for role in roles or []}
    owned |= {str(name) for name in applied or []}
    return sorted({fragment_name(path) for path in files or []} - owned)


FilterModule = filter_module(stale_fragments)
