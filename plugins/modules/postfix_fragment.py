#!/usr/bin/python
# Copyright: mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The work is done by the action plugin of the same name
# (plugins/action/postfix_fragment.py), which runs the modules postmap and
# postfix_config on the host; this file holds its documentation.

from __future__ import annotations

DOCUMENTATION = r"""
module: postfix_fragment
short_description: Apply one role's Postfix fragment, with its lookup tables
version_added: 0.1.0
description:
  - The one task through which the roles of the collection change Postfix's configuration. It runs, in this order,
    M(mailops.postfix.postmap) for the tables of O(tables) that are present, M(mailops.postfix.postfix_config) with
    O(name), O(fragment) and O(state), and M(mailops.postfix.postmap) again for the tables that are absent (skipped when
    there are none). A new C(main.cf) never names a table that does not exist, and a table goes only once the installed
    C(main.cf) no longer names it.
  - The first failure stops the task with the failing step's message; the configuration is left as it was when the
    assembler refused it.
  - Raises the host fact C(__platform_postfix_restart_requests), a count, when a changed parameter needs Postfix stopped
    and started (RV(restart_required)); the handler C(Apply postfix configuration) of the role C(mailops.postfix.platform)
    restarts Postfix while that count is above the one it applied, and reloads it otherwise. Notify that handler from
    this task.
  - Sets the host fact C(mailops_postfix_fragments), the sorted names of the fragments applied so far in the run (a
    fragment removed with O(state=absent) leaves the list); the postfix role's C(postfix_fragments_exclusive) keeps
    these.
  - Runs as an action plugin on the controller; the modules run on the host.
author:
  - mailops.postfix contributors (@mailops)
extends_documentation_fragment:
  - mailops.postfix.attributes
attributes:
  check_mode:
    support: full
    details:
      - Passed to the modules it runs, which write nothing in check mode and still validate.
  diff_mode:
    support: full
    details:
      - The diffs of the tables' sources and of C(main.cf) and C(master.cf), in the order the steps ran.
  idempotent:
    support: full
options:
  name:
    description:
      - The fragment's name, C(/etc/postfix/mailops.d/NAME.json); a role's fragment is named after the role.
    type: str
    required: true
  fragment:
    description:
      - The fragment's content, as the C(fragment) option of the assembler. A
        C(lists) entry may leave out C(order) when the registry of orders knows its name (see the architecture
        documentation).
      - Required when O(state=present).
    type: dict
  state:
    description:
      - Whether the fragment is present or absent.
      - Also the default state of the items of O(tables), so that a fragment that goes takes its tables with it.
    type: str
    choices: [present, absent]
    default: present
  tables:
    description:
      - Lookup tables, as the C(tables) option of M(mailops.postfix.postmap). Items whose
        C(state) is C(present) are built before the configuration is assembled, items whose C(state) is C(absent)
        removed after it.
      - Use C(no_log) on the task when a table holds secrets.
    type: list
    elements: dict
    default: []
  type:
    description: The default map type of the items of O(tables), as the C(type) option of M(mailops.postfix.postmap).
    type: str
  restart:
    description:
      - Ask for Postfix to be restarted, not only reloaded, for a change made outside the fragment that only a new
        master process applies, such as the user C(postfix) added to the group of a milter's socket. The task then
        reports a change and the handler C(Apply postfix configuration) restarts Postfix.
      - Pass whether that change happened (the registered result of that task C(is changed)), so that a second run
        asks nothing.
    type: bool
    default: false
seealso:
  - module: mailops.postfix.postfix_config
  - module: mailops.postfix.postmap
"""

EXAMPLES = r"""
- name: Apply the backup_mx fragment
  mailops.postfix.postfix_fragment:
    name: backup_mx
    fragment:
      priority: 40
      main:
        relay_domains: example.org
        relay_recipient_maps: hash:/etc/postfix/backup_mx_recipients
    tables:
      - path: /etc/postfix/backup_mx_recipients
        entries: {alice@example.org: OK}
    type: hash
  notify: Apply postfix configuration

- name: Remove it, and its table once main.cf no longer names it
  mailops.postfix.postfix_fragment:
    name: backup_mx
    state: absent
    tables:
      - path: /etc/postfix/backup_mx_recipients
  notify: Apply postfix configuration
"""

RETURN = r"""
restart_required:
  description: True when a parameter changed that needs Postfix stopped and started, not only reloaded, or O(restart) asked for it.
  returned: success
  type: bool
fragments:
  description: The fragments merged by the assembler, in order.
  returned: success
  type: list
  elements: str
  sample: [postfix, tls, backup_mx]
tables:
  description: The results of M(mailops.postfix.postmap) for each table, built ones first.
  returned: success
  type: list
  elements: dict
ansible_facts:
  description: The host facts C(mailops_postfix_fragments) and, when a restart is needed, C(__platform_postfix_restart_requests).
  returned: success
  type: dict
  sample: {mailops_postfix_fragments: [backup_mx, postfix], __platform_postfix_restart_requests: 1}
"""
