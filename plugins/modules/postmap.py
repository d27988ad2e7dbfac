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
author:
  - mailops.postfix contributors (@mailops)
extends_documentation_fragment:
  - mailops.postfix.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode writes nothing at the table's path. New sources are still validated (and, when O(verify) is given,
        compiled and queried) in a private temporary directory, so a broken pattern fails in check mode too.
  diff_mode:
    support: full
    details:
      - The diff shows the source text of each table. Sources larger than 256 KiB are reported as too large to show.
      - Use C(no_log) on the task for tables that hold secrets; it hides the diff as well.
  idempotent:
    support: full
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

import os
import stat
import tempfile
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.postfix.plugins.module_utils import _cmd
from ansible_collections.mailops.postfix.plugins.module_utils._postmap import (
    BUILD_LEFTOVER_SUFFIXES,
    MAP_TYPES,
    TableError,
    build_diff,
    builder,
    compiled_path,
    count_entries,
    describe_problems,
    locate_problems,
    map_name,
    must_build,
    needs_compile,
    normalize_entries,
    parse_problems,
    parse_query_output,
    query_input,
    render_source,
    resolve_tables,
)


class Failure(Exception):
    """A table failed; ``details`` go into fail_json (rc, stdout, stderr, cmd)."""

    def __init__(self, msg: str, **details: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.details = details


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync(path: str) -> None:
    """Flush a staged file to disk before it is renamed over the old one, so a
    crash never leaves a renamed but empty or partial table."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(path: str) -> None:
    """Make the renames themselves durable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class Table:
    """Bring one table to its desired state."""

    def __init__(
        self, module: AnsibleModule, spec: dict[str, t.Any], config_dir: str | None, rendered: bytes | None
    ) -> None:
        self.module = module
        self.spec = spec
        self.path: str = spec["path"]
        self.type: str = spec["type"]
        self.aliases: bool = spec["aliases"]
        self.map = map_name(self.type, self.path)
        self.label = "{} {}table {}".format(self.type, "aliases " if self.aliases else "", self.path)
        self.compiled = compiled_path(self.path, self.type)
        self.config_dir = config_dir
        self.rendered = rendered
        self.result: dict[str, t.Any] = {
            "path": self.path,
            "map": self.map,
            "type": self.type,
            "state": spec["state"],
            "changed": False,
            "built": False,
            "entries": 0,
            "compiled": self.compiled,
            "verified": None,
        }
        self.diff: dict[str, t.Any] | None = None

    # -- Postfix -----------------------------------------------------------

    def _postfix(self, *args: str) -> list[str]:
        argv = [builder(self.aliases)]
        if self.config_dir:
            argv += ["-c", self.config_dir]
        return argv + list(args)

    def _fail_problems(self, stderr: str, staged: str, data: bytes, argv: list[str], rc: int, stdout: str) -> None:
        """Fail if Postfix complained about the table at ``staged`` (whose source is ``data``)."""
        problems, _dummy = parse_problems(stderr, staged)
        if problems:
            text = data.decode("utf-8", errors="replace")
            problems = locate_problems(problems, text, self.aliases)
            msg = describe_problems(f"{self.label} is invalid", problems, text)
            if staged != self.path:
                msg += f" (nothing was installed at {self.path})"
            raise Failure(msg, rc=rc, stdout=stdout, stderr=stderr, cmd=_cmd.command_line(argv))

    def compile(self, staged: str, data: bytes) -> None:
        """Build ``type:staged`` (creates staged + suffix) under umask 077."""
        argv = self._postfix(f"{self.type}:{staged}")
        rc, out, err = _cmd.run(self.module, argv, check_rc=False, umask=0o077)
        self._fail_problems(err, staged, data, argv, rc, out)
        if rc != 0:
            raise Failure(
                _cmd.failure_message(argv, rc, err, out, f"Building {self.label} failed"),
                rc=rc,
                stdout=out,
                stderr=err,
                cmd=_cmd.command_line(argv),
            )

    def query(self, target: str, data: bytes) -> dict[str, str]:
        """Look up the verify keys (or a probe key) in ``type:target``; fail on Postfix warnings or missing keys.

        ``data`` is the source text of ``target`` (for line numbers in messages).
        """
        keys: list[str] = self.spec["verify"]
        argv = self._postfix("-q", "-", f"{self.type}:{target}")
        rc, out, err = _cmd.run(self.module, argv, data=query_input(keys), check_rc=False)
        self._fail_problems(err, target, data, argv, rc, out)
        fatal = [line for line in err.splitlines() if ": fatal: " in line or ": panic: " in line]
        if fatal or rc not in (0, 1):
            raise Failure(
                _cmd.failure_message(argv, rc, err, out, f"Looking up keys in {self.label} failed"),
                rc=rc,
                stdout=out,
                stderr=err,
                cmd=_cmd.command_line(argv),
            )
        found = parse_query_output(out, self.aliases)
        missing = [key for key in keys if key not in found]
        if missing:
            raise Failure(
                "{}: verify key(s) {} did not resolve with {} -q".format(
                    self.label, ", ".join(repr(key) for key in missing), builder(self.aliases)
                ),
                rc=rc,
                stdout=out,
                stderr=err,
                cmd=_cmd.command_line(argv),
            )
        return {key: found[key] for key in keys}

    # -- files -------------------------------------------------------------

    def stage(self, directory: str, data: bytes) -> str:
        """Write ``data`` to a new private (0600) temporary file in ``directory``."""
        fd, staged = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".mailops", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            self.cleanup(staged)
            raise Failure(f"{self.label}: cannot write the temporary source {staged}: {exc}")
        return staged

    @staticmethod
    def cleanup(staged: str) -> None:
        _remove(staged)
        for suffix in BUILD_LEFTOVER_SUFFIXES:
            _remove(staged + suffix)

    def file_args(self, path: str, owner: t.Any, group: t.Any, mode: t.Any) -> dict[str, t.Any]:
        return {
            "path": path,
            "owner": owner,
            "group": group,
            "mode": mode,
            "attributes": None,
            "secontext": [None, None, None],
        }

    def source_args(self, path: str, current: os.stat_result | None) -> dict[str, t.Any]:
        """Owner, group and mode for the source: options, else those of the current source, else defaults."""
        spec = self.spec
        owner, group, mode = spec["owner"], spec["group"], spec["mode"]
        if current is not None:
            owner = current.st_uid if owner is None else owner
            group = current.st_gid if group is None else group
            mode = stat.S_IMODE(current.st_mode) if mode is None else mode
        elif mode is None:
            mode = _default_mode()
        return self.file_args(path, owner, group, mode)

    def compiled_args(self, path: str, source: os.stat_result | None) -> dict[str, t.Any]:
        """Owner, group and mode for the compiled file: the same as the source's."""
        if source is None:
            return self.source_args(path, None)
        if self.module.check_mode:
            # The source has not been changed: apply the options to its current attributes.
            return self.source_args(path, source)
        return self.file_args(path, source.st_uid, source.st_gid, stat.S_IMODE(source.st_mode))

    def set_attrs(self, args: dict[str, t.Any]) -> bool:
        try:
            return self.module.set_fs_attributes_if_different(args, False)
        except Exception as exc:  # set_*_if_different fail_json themselves; this catches OSError and lookups
            raise Failure("{}: cannot set owner, group or mode of {}: {}".format(self.label, args["path"], exc))

    # -- states ------------------------------------------------------------

    def desired(self) -> bytes:
        if self.rendered is not None:
            return self.rendered
        src = self.spec["src"]
        try:
            with open(src, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise Failure(f"{self.label}: src {src} does not exist")
        except OSError as exc:
            raise Failure(f"{self.label}: cannot read src {src}: {exc}")

    def current(self) -> tuple[bytes | None, os.stat_result | None]:
        if os.path.islink(self.path):
            raise Failure(f"{self.label}: {self.path} is a symbolic link; give the path of the file itself")
        try:
            with open(self.path, "rb") as handle:
                return handle.read(), os.fstat(handle.fileno())
        except FileNotFoundError:
            return None, None
        except IsADirectoryError:
            raise Failure(f"{self.label}: {self.path} is a directory")
        except OSError as exc:
            raise Failure(f"{self.label}: cannot read {self.path}: {exc}")

    def absent(self) -> None:
        existing = [path for path in (self.path, self.compiled) if path and os.path.lexists(path)]
        if self.module._diff:
            before = None
            if os.path.isfile(self.path) and not os.path.islink(self.path):
                before, _dummy = self.current()
            self.diff = build_diff(self.path, before, None)
        if not existing:
            return
        self.result["changed"] = True
        if self.module.check_mode:
            return
        for path in existing:
            try:
                os.unlink(path)
            except OSError as exc:
                raise Failure(f"{self.label}: cannot remove {path}: {exc}")

    def present(self) -> None:
        module = self.module
        directory = os.path.dirname(self.path)
        if not os.path.isdir(directory):
            raise Failure(f"{self.label}: directory {directory} does not exist")
        desired = self.desired()
        current, current_stat = self.current()
        content_changed = current != desired
        compiled_stat = _stat(self.compiled) if self.compiled else None
        build = must_build(
            self.type,
            content_changed,
            current_stat.st_mtime_ns if current_stat else None,
            compiled_stat.st_mtime_ns if compiled_stat else None,
        )
        # Uncompiled tables are validated by opening the new source with Postfix.
        validate = content_changed and not needs_compile(self.type)
        verify = bool(self.spec["verify"])
        self.result["entries"] = count_entries(desired)
        self.result["built"] = build
        if module._diff:
            self.diff = build_diff(self.path, current, desired)

        if module.check_mode:
            # Same checks as a real run, in Ansible's private temporary directory;
            # a stale compiled file of an unchanged source is rebuilt only to verify keys.
            stage_in = module.tmpdir if content_changed or (build and verify) else None
        else:
            stage_in = directory if content_changed or build else None

        attrs_changed = False
        if stage_in is None:
            if verify:
                self.result["verified"] = self.query(self.path, desired)
            attrs_changed = self.set_attrs(self.source_args(self.path, current_stat)) if current_stat else False
            if self.compiled and compiled_stat is not None and not build:
                source_stat = current_stat if module.check_mode else os.stat(self.path)
                attrs_changed = self.set_attrs(self.compiled_args(self.compiled, source_stat)) or attrs_changed
        else:
            # Unchanged content (a rebuild only) is staged too: the build must not
            # rewrite the live compiled file in place.
            staged = self.stage(stage_in, desired)
            try:
                if build:
                    self.compile(staged, desired)
                if verify or validate:
                    verified = self.query(staged, desired)
                    self.result["verified"] = verified if verify else None
                if module.check_mode:
                    if current_stat is not None:
                        attrs_changed = self.set_attrs(self.source_args(self.path, current_stat))
                else:
                    self.install(staged, content_changed, build, current_stat)
            except OSError as exc:
                raise Failure(f"{self.label}: cannot install the new table: {exc}")
            finally:
                self.cleanup(staged)

        self.result["changed"] = content_changed or build or attrs_changed

    def install(self, staged: str, content_changed: bool, build: bool, current_stat: os.stat_result | None) -> None:
        """Give the staged files their owner, group and mode, and rename them into place.

        The compiled file is renamed first, then the source. The source keeps
        the older mtime (it was written before the build), and a crash between
        the two renames leaves the old source, which the next run rewrites and
        builds again.
        """
        if content_changed:
            self.set_attrs(self.source_args(staged, current_stat))
            source_stat = os.stat(staged)
        else:
            self.set_attrs(self.source_args(self.path, current_stat))
            source_stat = os.stat(self.path)
        if build and self.compiled:
            staged_compiled = compiled_path(staged, self.type)
            self.set_attrs(self.compiled_args(staged_compiled, source_stat))
            _fsync(staged_compiled)
            os.replace(staged_compiled, self.compiled)
        if content_changed:
            _fsync(staged)
            os.replace(staged, self.path)
        if (build and self.compiled) or content_changed:
            _fsync_directory(os.path.dirname(self.path) or ".")

    def run(self) -> None:
        if self.spec["state"] == "absent":
            self.absent()
        else:
            self.present()


def main() -> None:
    table_options = dict(
        path=dict(type="path", required=True),
        type=dict(type="str", choices=list(MAP_TYPES)),
        entries=dict(type="raw"),
        src=dict(type="path"),
        aliases=dict(type="bool"),
        owner=dict(type="str"),
        group=dict(type="str"),
        mode=dict(type="raw"),
        state=dict(type="str", choices=["present", "absent"]),
        verify=dict(type="list", elements="str"),
    )
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            type=dict(type="str", default="hash", choices=list(MAP_TYPES)),
            entries=dict(type="raw"),
            src=dict(type="path"),
            aliases=dict(type="bool", default=False),
            owner=dict(type="str"),
            group=dict(type="str"),
            mode=dict(type="raw"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            verify=dict(type="list", elements="str"),
            config_dir=dict(type="path"),
            tables=dict(
                type="list",
                elements="dict",
                options=table_options,
                mutually_exclusive=[("entries", "src")],
            ),
        ),
        mutually_exclusive=[
            ("path", "tables"),
            ("entries", "src"),
            ("tables", "entries"),
            ("tables", "src"),
            ("tables", "verify"),
        ],
        required_one_of=[("path", "tables")],
        supports_check_mode=True,
    )

    results: list[dict[str, t.Any]] = []

    def fail(msg: str, **details: t.Any) -> t.NoReturn:
        module.fail_json(msg=msg, changed=any(result["changed"] for result in results), tables=results, **details)

    try:
        specs = resolve_tables(module.params)
        # Render and check every table's entries before touching any file.
        rendered: list[bytes | None] = []
        for spec in specs:
            if spec["state"] == "present" and spec["entries"] is not None:
                items = normalize_entries(spec["entries"], spec["type"], spec["aliases"], spec["path"])
                rendered.append(render_source(items, spec["aliases"]).encode("utf-8"))
            else:
                rendered.append(None)
    except TableError as exc:
        fail(str(exc))

    # Debian's "No configuration" install has no main.cf, which postmap and
    # postalias must read: a host not configured yet (a first run in check
    # mode, say) gets an empty one in a temporary directory.
    config_dir = module.params["config_dir"]
    if config_dir is None and not os.path.exists("/etc/postfix/main.cf"):
        config_dir = os.path.join(module.tmpdir, "postfix-empty")
        os.makedirs(config_dir, exist_ok=True)
        with open(os.path.join(config_dir, "main.cf"), "w", encoding="utf-8"):
            pass

    diffs = []
    for spec, data in zip(specs, rendered, strict=False):
        table = Table(module, spec, config_dir, data)
        try:
            table.run()
        except TableError as exc:
            fail(str(exc))
        except Failure as exc:
            fail(exc.msg, **exc.details)
        results.append(table.result)
        if table.diff is not None:
            diffs.append(table.diff)

    output: dict[str, t.Any] = {"changed": any(result["changed"] for result in results), "tables": results}
    if module._diff:
        output["diff"] = diffs if module.params["tables"] is not None else (diffs[0] if diffs else {})
    module.exit_json(**output)


if __name__ == "__main__":
    main()
