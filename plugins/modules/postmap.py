#!/usr/bin/python
# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: postmap
short_description: Manage Postfix lookup tables (postmap and postalias)
version_added: 0.1.0
description:
  - Writes the source of one Postfix lookup table, or of several in one call with O(tables), from O(entries) or from a
    file on the managed host (O(src)), and builds it with C(postmap) or, for aliases, C(postalias).
  - The source is replaced atomically. The table is compiled only when the source content changes, the compiled file is
    missing or the compiled file is older than the source; it is compiled into a temporary file in the same directory that
    is flushed to disk (fsync) and renamed into place, so Postfix never reads a half-built table, even after a crash.
  - The module decides itself whether to compile, so a failed run followed by a re-run never leaves a stale table behind
    a lost handler notification.
  - C(regexp) and C(pcre) tables are never compiled. Their new source is opened by Postfix (C(postmap -q)) before it is
    installed, and a pattern that Postfix rejects fails the task with the table, the line number, the line and the reason.
  - O(owner), O(group) and O(mode) apply to the source and the compiled file alike; the compiled file always gets the
    owner, group and mode of the source, so a table that holds secrets stays private after compiling.
  - Entries are checked before anything is written (keys with whitespace, empty keys or values, line breaks in values,
    duplicate keys), and every warning that Postfix prints about the new table while building or opening it is an error.
  - Rendered sources start with the comment line C(# Managed by Ansible (mailops.postfix.postmap)). A source given with
    O(src) is copied byte for byte, without that line.
requirements:
  - Postfix (C(postmap), C(postalias)) on the managed host, with the packages for the map types used
    (C(postfix-lmdb), C(postfix-cdb), C(postfix-pcre) on Debian).
  - A Postfix configuration directory with a C(main.cf); see O(config_dir).
extends_documentation_fragment:
  - mailops.postfix.attributes
attributes:
  check_mode:
    details:
      - Check mode writes nothing at the table's path. New sources are still validated (and, when O(verify) is given,
        compiled and queried) in a private temporary directory, so a broken pattern fails in check mode too.
  diff_mode:
    details:
      - The diff shows the source text of each table. Sources larger than 256 KiB are reported as too large to show.
      - Use C(no_log) on the task for tables that hold secrets; it hides the diff as well.
options:
  path:
    description:
      - Absolute path of the table source, for example C(/etc/postfix/access). The compiled file is this path with the
        suffix of O(type) (C(.db), C(.lmdb), C(.cdb)).
      - Describes a single table. Mutually exclusive with O(tables); one of them is required.
    type: path
  type:
    description:
      - Postfix map type of the table.
      - V(hash), V(btree), V(lmdb) and V(cdb) are compiled; V(texthash), V(regexp) and V(pcre) are read from the source by
        Postfix and never compiled.
      - With O(tables), the default type of the items.
    type: str
    default: hash
    choices: [hash, lmdb, cdb, btree, texthash, regexp, pcre]
  entries:
    description:
      - Content of the table, written in the order given.
      - A mapping of key to value, or a list whose items are C({key, value}) mappings or strings. A string is a raw line
        of the source (a comment, or a rule of a V(regexp) or V(pcre) table such as C(/^Subject:.*viagra/ REJECT No spam));
        a string may hold several lines, for example an C(if) ... C(endif) block.
      - A value that is a list is joined with C(, ) (several targets of an alias).
      - Mutually exclusive with O(src). One of O(entries) and O(src) is required when O(state=present).
    type: raw
  src:
    description:
      - Path of a file on the managed host whose content becomes the table source, copied byte for byte.
      - Set it to O(path) to only build a source that another task manages (the module then writes no source, and compiles
        it when the compiled file is missing or older).
      - Mutually exclusive with O(entries).
    type: path
  aliases:
    description:
      - "The table is an aliases table, built and queried with C(postalias). Entries are rendered as C(name: value)."
      - Needs a compiled O(type).
      - With O(tables), the default of the items.
    type: bool
    default: false
  owner:
    description:
      - Owner of the source and of the compiled file (name or uid). Unset keeps the owner of an existing source.
      - With O(tables), the default of the items.
    type: str
  group:
    description:
      - Group of the source and of the compiled file (name or gid). Unset keeps the group of an existing source.
      - With O(tables), the default of the items.
    type: str
  mode:
    description:
      - Permissions of the source and of the compiled file, as octal (V('0600')) or symbolic mode.
      - Unset keeps the mode of an existing source; a new source gets the default permissions of the umask.
      - The compiled file always has the mode of the source, and is built under umask 077, so it is never more readable
        than the source, not even while it is built.
      - With O(tables), the default of the items.
    type: raw
  state:
    description:
      - V(present) writes and builds the table, V(absent) removes the source and the compiled file.
      - With O(tables), the default of the items.
    type: str
    default: present
    choices: [present, absent]
  verify:
    description:
      - Keys that must resolve in the table once built (C(postmap -q) or C(postalias -q)). Their values are returned in
        RV(tables[].verified). A key that does not resolve fails the task.
      - After a change the keys are looked up in the new table before it is installed, so a failed verification leaves the
        old table in place.
    type: list
    elements: str
  config_dir:
    description:
      - Postfix configuration directory passed to C(postmap -c) and C(postalias -c). It must contain a C(main.cf).
      - Unset uses the Postfix default (C(/etc/postfix)), or an empty C(main.cf) in a temporary directory when
        C(/etc/postfix/main.cf) does not exist yet (Debian's C(No configuration) install, a first run in check mode).
    type: path
  tables:
    description:
      - Several tables in one call (each module call costs Ansible a fixed time). Mutually exclusive with O(path),
        O(entries), O(src) and O(verify).
      - Items that do not set O(tables[].type), O(tables[].aliases), O(tables[].owner), O(tables[].group),
        O(tables[].mode) or O(tables[].state) take the top-level option.
      - The tables are processed in order; the first failure stops the task and later tables are left untouched.
    type: list
    elements: dict
    suboptions:
      path:
        description: Absolute path of the table source.
        type: path
        required: true
      type:
        description: Map type; defaults to the top-level O(type).
        type: str
        choices: [hash, lmdb, cdb, btree, texthash, regexp, pcre]
      entries:
        description: Content of the table, as for the top-level O(entries). Mutually exclusive with O(tables[].src).
        type: raw
      src:
        description: Source file on the managed host, as for the top-level O(src).
        type: path
      aliases:
        description: Aliases table built with C(postalias); defaults to the top-level O(aliases).
        type: bool
      owner:
        description: Owner of source and compiled file; defaults to the top-level O(owner).
        type: str
      group:
        description: Group of source and compiled file; defaults to the top-level O(group).
        type: str
      mode:
        description: Mode of source and compiled file; defaults to the top-level O(mode).
        type: raw
      state:
        description: V(present) or V(absent); defaults to the top-level O(state).
        type: str
        choices: [present, absent]
      verify:
        description: Keys that must resolve in this table, as for the top-level O(verify).
        type: list
        elements: str
notes:
  - Warnings that Postfix prints about the new table (a malformed line, a duplicate key, an invalid pattern) fail the task,
    since they mean that the table does not say what its author meant.
  - For V(texthash), V(regexp) and V(pcre) the new source is opened with C(postmap -q) before it replaces the old one.
  - Temporary files are named C(.<name>.<random>.mailops) in the directory of the table; a run that is killed may leave
    one behind, which is safe to remove.
  - The source must be a regular file; a symbolic link at O(path) is refused.
seealso:
  - name: postmap(1)
    description: Postfix lookup table management.
    link: https://www.postfix.org/postmap.1.html
  - name: postalias(1)
    description: Postfix alias database maintenance.
    link: https://www.postfix.org/postalias.1.html
  - name: Postfix lookup table types
    description: Which map type to use for what.
    link: https://www.postfix.org/DATABASE_README.html
"""

EXAMPLES = r"""
---
- name: Build the access table
  mailops.postfix.postmap:
    path: /etc/postfix/access
    entries:
      spammer.example: REJECT
      friend.example: OK

- name: Build the SASL password table, private to root
  mailops.postfix.postmap:
    path: /etc/postfix/sasl_passwd
    type: lmdb
    owner: root
    group: root
    mode: "0600"
    entries:
      "[smtp.example.net]:587": "relayuser:{{ relay_password }}"
  no_log: true

- name: Build the aliases table with postalias and check the result
  mailops.postfix.postmap:
    path: /etc/aliases
    aliases: true
    entries:
      postmaster: root
      root: [admin@example.org, ops@example.org]
    verify: [postmaster]

- name: Write header checks (never compiled, validated by Postfix)
  mailops.postfix.postmap:
    path: /etc/postfix/header_checks
    type: pcre
    entries:
      - "# Reject obvious spam"
      - "/^Subject:.*viagra/ REJECT No spam please"
      - "/^X-Mailer: Bulk/ DISCARD"

- name: Build several tables in one call
  mailops.postfix.postmap:
    owner: root
    mode: "0644"
    tables:
      - path: /etc/postfix/transport
        entries:
          example.org: "smtp:[mx.example.org]"
      - path: /etc/postfix/sender_canonical
        type: lmdb
        entries:
          - key: "@old.example"
            value: "@new.example"
      - path: /etc/postfix/relay_recipients
        src: /srv/export/relay_recipients
  notify: Reload postfix

- name: Only compile a source that a template task manages
  mailops.postfix.postmap:
    path: /etc/postfix/virtual
    src: /etc/postfix/virtual

- name: Remove an old table
  mailops.postfix.postmap:
    path: /etc/postfix/old_access
    state: absent
"""

RETURN = r"""
tables:
  description: One item per table, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Path of the table source.
      type: str
      sample: /etc/postfix/access
    map:
      description: Map name to use in C(main.cf).
      type: str
      sample: hash:/etc/postfix/access
    type:
      description: Map type.
      type: str
      sample: hash
    state:
      description: State of the table.
      type: str
      sample: present
    changed:
      description: Whether this table changed (source, compiled file or their owner, group or mode).
      type: bool
      sample: true
    built:
      description: Whether the table was compiled by this run (or would be, in check mode).
      type: bool
      sample: true
    entries:
      description: Number of entries in the source (lines that are not blank, comments or continuation lines).
      type: int
      sample: 2
    compiled:
      description: Path of the compiled file, or V(null) for types that are not compiled.
      type: str
      sample: /etc/postfix/access.db
    verified:
      description:
        - Value of each key in O(verify), as returned by C(postmap -q) or C(postalias -q).
        - V(null) when O(verify) is not given, and in check mode when O(verify) was not looked up.
      type: dict
      sample: {friend.example: OK}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.postfix.plugins.module_utils._postmap import ARGUMENT_SPEC, apply_tables


def main() -> None:
    module = AnsibleModule(supports_check_mode=True, **ARGUMENT_SPEC)
    module.exit_json(**apply_tables(module))


if __name__ == "__main__":
    main()
