# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The mailops.postfix.postmap module's engine. Private to the collection.

Pure logic first (no I/O): the options, rendering of table sources,
validation of entries, parsing of Postfix's warnings into line numbers,
names of compiled files, entry counting and the decision whether a table
must be rebuilt. Then the I/O: :class:`Table` brings one table to its state
(staged, built and checked by Postfix through ``_cmd``, renamed into place),
and :func:`apply_tables` runs the module.
"""

from __future__ import annotations

import collections.abc
import os
import re
import stat
import tempfile
import typing as t

from ansible_collections.mailops.postfix.plugins.module_utils import _cmd

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

HEADER = "# Managed by Ansible (mailops.postfix.postmap)"

# Suffix that postmap/postalias append to the source name for the compiled
# file; None: Postfix reads the source itself (nothing to compile).
COMPILED_SUFFIX: dict[str, str | None] = {
    "hash": ".db",
    "btree": ".db",
    "lmdb": ".lmdb",
    "cdb": ".cdb",
    "texthash": None,
    "regexp": None,
    "pcre": None,
}
MAP_TYPES = tuple(COMPILED_SUFFIX)
PATTERN_TYPES = ("regexp", "pcre")

# Files that postmap/postalias may leave next to a staged source while
# building it (cdb writes NAME.tmp and renames it to NAME.cdb).
BUILD_LEFTOVER_SUFFIXES = (".db", ".lmdb", ".cdb", ".tmp", ".lmdb-lock")

# Key used to make Postfix open (and so parse) a pattern or texthash table
# when no verify keys are given: `postmap -q -` opens the map only when it
# reads the first key.
PROBE_KEY = "mailops-postmap-validation-probe"

# Largest source (bytes) shown in diff mode; larger ones are reported as
# "diff skipped" the way ansible.builtin.copy does.
MAX_DIFF_SIZE = 256 * 1024

# Options of a table that `tables` items inherit from the top level.
INHERITED_OPTIONS = ("type", "aliases", "owner", "group", "mode", "state")
TABLE_OPTIONS = ("path", "entries", "src", "verify", *INHERITED_OPTIONS)

# The options of one table, declared once: the suboptions of `tables`, and
# (with the defaults below, path not required) the module's top level.
TABLE_OPTION_SPEC: dict[str, dict[str, t.Any]] = {
    "path": {"type": "path", "required": True},
    "type": {"type": "str", "choices": list(MAP_TYPES)},
    "entries": {"type": "raw"},
    "src": {"type": "path"},
    "aliases": {"type": "bool"},
    "owner": {"type": "str"},
    "group": {"type": "str"},
    "mode": {"type": "raw"},
    "state": {"type": "str", "choices": ["present", "absent"]},
    "verify": {"type": "list", "elements": "str"},
}
# Top-level defaults; a `tables` item that leaves an inherited option unset takes the top-level value.
TOP_LEVEL_DEFAULTS: dict[str, t.Any] = {"path": None, "type": "hash", "aliases": False, "state": "present"}


def _top_level_option(name: str, spec: dict[str, t.Any]) -> dict[str, t.Any]:
    if name not in TOP_LEVEL_DEFAULTS:
        return dict(spec)
    option = {key: value for key, value in spec.items() if key != "required"}
    if TOP_LEVEL_DEFAULTS[name] is not None:
        option["default"] = TOP_LEVEL_DEFAULTS[name]
    return option


# The keyword arguments of AnsibleModule for the postmap module.
ARGUMENT_SPEC: dict[str, t.Any] = {
    "argument_spec": {
        **{name: _top_level_option(name, spec) for name, spec in TABLE_OPTION_SPEC.items()},
        "config_dir": {"type": "path"},
        "tables": {
            "type": "list",
            "elements": "dict",
            "options": TABLE_OPTION_SPEC,
            "mutually_exclusive": [("entries", "src")],
        },
    },
    "mutually_exclusive": [
        ("path", "tables"),
        ("entries", "src"),
        ("tables", "entries"),
        ("tables", "src"),
        ("tables", "verify"),
    ],
    "required_one_of": [("path", "tables")],
}


class TableError(Exception):
    """A table cannot be built as asked; the message names table, key/line and reason."""


class Problem(t.NamedTuple):
    """One complaint of Postfix about a table."""

    line: int | None
    reason: str
    level: str = "warning"


class Entry(t.NamedTuple):
    """One keyed entry of a table (raw lines are kept as plain ``str``)."""

    key: str
    value: str


# ---------------------------------------------------------------------------
# Names


def compiled_path(path: str, map_type: str) -> str | None:
    """Return the file that Postfix reads for ``map_type:path`` when compiled, or None."""
    suffix = COMPILED_SUFFIX[map_type]
    return None if suffix is None else path + suffix


def map_name(map_type: str, path: str) -> str:
    """Return the Postfix map name, as used in main.cf (``hash:/etc/postfix/access``)."""
    return f"{map_type}:{path}"


def builder(aliases: bool) -> str:
    """Return the Postfix command that builds and queries the table."""
    return "postalias" if aliases else "postmap"


def needs_compile(map_type: str) -> bool:
    """Return whether tables of ``map_type`` are compiled into a separate file."""
    return COMPILED_SUFFIX[map_type] is not None


# ---------------------------------------------------------------------------
# Options


def resolve_tables(params: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
    """Turn the module parameters into a list of complete table specs.

    With ``tables`` each item inherits the options in ``INHERITED_OPTIONS``
    that it does not set from the top level; without, the top-level options
    describe the single table. Raises TableError for combinations that the
    argument spec cannot express.
    """
    items = params.get("tables")
    if items is None:
        raw_tables = [{name: params.get(name) for name in TABLE_OPTIONS}]
    else:
        raw_tables = []
        for item in items:
            table = {name: item.get(name) for name in TABLE_OPTIONS}
            for name in INHERITED_OPTIONS:
                if table[name] is None:
                    table[name] = params.get(name)
            raw_tables.append(table)

    seen: dict[str, int] = {}
    tables = []
    for index, table in enumerate(raw_tables):
        table = dict(table)
        table["type"] = table["type"] or "hash"
        table["state"] = table["state"] or "present"
        table["aliases"] = bool(table["aliases"])
        table["verify"] = list(table["verify"] or [])
        path = table["path"]
        where = f"Table {path}" if items is None else f"Table {path} (tables[{index}])"
        if not path:
            raise TableError(f"tables[{index}]: path is required")
        if not path.startswith("/"):
            raise TableError(f"{where}: path must be absolute")
        if path in seen:
            raise TableError(f"{where}: the same path is already given by tables[{seen[path]}]")
        seen[path] = index
        if table["type"] not in COMPILED_SUFFIX:
            raise TableError(
                "{}: unknown type {!r}; expected one of {}".format(where, table["type"], ", ".join(MAP_TYPES))
            )
        if table["state"] not in ("present", "absent"):
            raise TableError("{}: unknown state {!r}".format(where, table["state"]))
        if table["aliases"] and not needs_compile(table["type"]):
            raise TableError(
                "{}: aliases=true needs a type that postalias compiles (hash, btree, lmdb, cdb), not {}".format(
                    where, table["type"]
                )
            )
        if table["entries"] is not None and table["src"] is not None:
            raise TableError(f"{where}: entries and src are mutually exclusive")
        if table["state"] == "present" and table["entries"] is None and table["src"] is None:
            raise TableError(f"{where}: state=present needs entries or src")
        for key in table["verify"]:
            if not isinstance(key, str) or not key or "\n" in key or "\r" in key or "\t" in key:
                raise TableError(f"{where}: verify key {key!r} must be a non-empty single line without tabs")
        tables.append(table)
    return tables


# ---------------------------------------------------------------------------
# Entries and rendering


def format_value(value: t.Any, table: str, key: str) -> str:
    """Return the text of a value; lists are joined with ', ' (alias targets)."""
    where = f"Table {table}, key {key!r}"
    if isinstance(value, (list, tuple)):
        if not value:
            raise TableError(f"{where}: the value is an empty list")
        parts = [format_value(item, table, key) for item in value]
        return ", ".join(parts)
    if value is None:
        raise TableError(f"{where}: the value is empty (null)")
    if isinstance(value, bool):
        raise TableError(f"{where}: the value is a boolean ({value}); quote it if the text is meant")
    if isinstance(value, collections.abc.Mapping):
        raise TableError(f"{where}: the value is a mapping; expected a string, a number or a list")
    text = str(value).strip()
    if not text:
        raise TableError(f"{where}: the value is empty")
    if "\n" in text or "\r" in text:
        raise TableError(f"{where}: the value contains a line break")
    return text


def _is_quoted(key: str) -> bool:
    return len(key) >= 2 and key.startswith('"') and key.endswith('"')


def check_key(key: t.Any, map_type: str, aliases: bool, table: str) -> str:
    """Return ``key`` as text, or raise TableError if Postfix would misread it."""
    if isinstance(key, bool) or key is None or isinstance(key, (collections.abc.Mapping, list, tuple)):
        raise TableError(f"Table {table}: invalid key {key!r}; keys are strings")
    text = str(key)
    where = f"Table {table}, key {text!r}"
    if not text.strip():
        raise TableError(f"Table {table}: empty key")
    if "\n" in text or "\r" in text:
        raise TableError(f"{where}: the key contains a line break")
    if text[0].isspace():
        raise TableError(f"{where}: the key starts with whitespace, which Postfix reads as a continuation line")
    if text.startswith("#"):
        raise TableError(f'{where}: the key starts with "#", which Postfix reads as a comment')
    if map_type in PATTERN_TYPES:
        return text
    if aliases:
        if not _is_quoted(text) and re.search(r'[\s:#"]', text):
            raise TableError(f'{where}: an alias name with whitespace, ":", "#" or \'"\' must be quoted ("...")')
        return text
    if re.search(r"\s", text):
        raise TableError(f"{where}: the key contains whitespace; postmap would read the rest as the value")
    return text


def normalize_entries(entries: t.Any, map_type: str, aliases: bool, table: str) -> list[Entry | str]:
    """Validate ``entries`` (mapping, or list of {key, value} mappings and raw lines).

    Returns a list of :class:`Entry` and raw ``str`` lines in the given order.
    Duplicate keys (compared the way Postfix folds them, case-insensitively)
    are an error for keyed tables.
    """
    items: list[Entry | str] = []
    if isinstance(entries, collections.abc.Mapping):
        for key, value in entries.items():
            text_key = check_key(key, map_type, aliases, table)
            items.append(Entry(text_key, format_value(value, table, text_key)))
    elif isinstance(entries, (list, tuple)):
        for index, item in enumerate(entries):
            if isinstance(item, str):
                line = item[:-1] if item.endswith("\n") else item
                if "\r" in line:
                    raise TableError(f"Table {table}, entries[{index}]: the line contains a carriage return")
                items.append(line)
            elif isinstance(item, collections.abc.Mapping):
                if set(item) != {"key", "value"}:
                    raise TableError(
                        'Table {}, entries[{}]: a mapping item needs exactly the keys "key" and "value", got {}'.format(
                            table, index, ", ".join(sorted(str(k) for k in item))
                        )
                    )
                text_key = check_key(item["key"], map_type, aliases, table)
                items.append(Entry(text_key, format_value(item["value"], table, text_key)))
            else:
                raise TableError(
                    f"Table {table}, entries[{index}]: expected a string (a raw line) or a {{key, value}} mapping, got {item!r}"
                )
    else:
        raise TableError(f"Table {table}: entries must be a mapping or a list, got {type(entries).__name__}")

    if map_type not in PATTERN_TYPES:
        first: dict[str, str] = {}
        for item in items:
            if isinstance(item, Entry):
                folded = item.key.lower()
                if folded in first:
                    raise TableError(
                        f"Table {table}, key {item.key!r}: duplicate key (same as {first[folded]!r}; Postfix compares keys case-insensitively)"
                    )
                first[folded] = item.key
    return items


def render_line(item: Entry | str, aliases: bool) -> str:
    """Return the source line of one entry."""
    if isinstance(item, Entry):
        return f"{item.key}: {item.value}" if aliases else f"{item.key} {item.value}"
    return item


def render_source(items: t.Iterable[Entry | str], aliases: bool, header: bool = True) -> str:
    """Return the text of the table source: header comment, one line per entry, final newline."""
    lines = [HEADER] if header else []
    lines.extend(render_line(item, aliases) for item in items)
    return "\n".join(lines) + "\n" if lines else ""


def count_entries(data: bytes) -> int:
    """Count entries: lines that are not blank, not comments and not continuation lines.

    Written with bytes operations only, so that a million-line source is
    counted in a fraction of a second.
    """
    if not data:
        return 0
    lines = data.split(b"\n")
    text = b"\n" + data
    skipped = lines.count(b"") + lines.count(b"\r") + text.count(b"\n#") + text.count(b"\n ") + text.count(b"\n\t")
    return len(lines) - skipped


# ---------------------------------------------------------------------------
# Postfix output


_DIAG_RE = re.compile(r"^(?:[\w./-]+: )?(?P<level>warning|error|fatal|panic): (?P<text>.*)$")


def parse_problems(stderr: str, staged: str) -> tuple[list[Problem], list[str]]:
    """Split Postfix's diagnostics into problems of the table at ``staged`` and other messages.

    Postfix reports table errors as warnings, in forms such as::

        postmap: warning: regexp map /etc/postfix/.x.tmp, line 3: Invalid regular expression
        postmap: warning: /etc/postfix/.x.tmp, line 5: expected format: key whitespace value
        postalias: warning: /etc/postfix/.x.tmp, line 4: need name:value pair
        postmap: warning: /etc/postfix/.x.tmp.db: duplicate entry: "a"

    Returns ``(problems, others)``; ``others`` are the remaining diagnostic
    lines (for example about main.cf), unparsed.
    """
    problems: list[Problem] = []
    others: list[str] = []
    name_re = re.compile(re.escape(staged) + r"(?:\.[\w-]+)?(?:, line (?P<line>\d+))?: (?P<reason>.*)$")
    for raw in stderr.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _DIAG_RE.match(line)
        if not match:
            others.append(line)
            continue
        found = name_re.search(match.group("text"))
        if not found:
            others.append(line)
            continue
        number = found.group("line")
        problems.append(Problem(int(number) if number else None, found.group("reason").strip(), match.group("level")))
    return problems, others


def key_lines(data: str, key: str, aliases: bool) -> list[int]:
    """Return the line numbers (1-based) whose key is ``key`` (case-insensitive)."""
    wanted = key.lower()
    numbers = []
    for number, line in enumerate(data.splitlines(), 1):
        if not line or line[0].isspace() or line.startswith("#"):
            continue
        if aliases:
            name = line.split(":", 1)[0].strip() if not line.startswith('"') else line[: line.find('"', 1) + 1]
        else:
            name = line.split(None, 1)[0]
        if name.lower() == wanted:
            numbers.append(number)
    return numbers


def locate_problems(problems: t.Iterable[Problem], data: str, aliases: bool) -> list[Problem]:
    """Give a line number to problems that Postfix reports without one (duplicate keys)."""
    located = []
    for problem in problems:
        if problem.line is None:
            match = re.match(r'duplicate entry: "(?P<key>.*)"$', problem.reason)
            if match:
                numbers = key_lines(data, match.group("key"), aliases)
                if len(numbers) > 1:
                    problem = Problem(numbers[1], f"{problem.reason} (first at line {numbers[0]})", problem.level)
        located.append(problem)
    return located


def describe_problems(label: str, problems: t.Sequence[Problem], data: str, limit: int = 10) -> str:
    """Return one message naming the table, each line number, the line and the reason.

    At most ``limit`` problems are spelled out; the rest are counted.
    """
    lines = data.splitlines()
    parts = []
    for problem in problems[:limit]:
        if problem.line is not None and 1 <= problem.line <= len(lines):
            parts.append(f"line {problem.line} ({lines[problem.line - 1]!r}): {problem.reason}")
        elif problem.line is not None:
            parts.append(f"line {problem.line}: {problem.reason}")
        else:
            parts.append(problem.reason)
    if len(problems) > limit:
        parts.append(f"and {len(problems) - limit} more")
    return "{}: {}".format(label, "; ".join(parts))


def parse_query_output(stdout: str, aliases: bool) -> dict[str, str]:
    """Parse ``postmap -q -`` / ``postalias -q -`` output (``key<TAB>value``, postalias ``key:<TAB>value``)."""
    found: dict[str, str] = {}
    for line in stdout.splitlines():
        if "\t" not in line:
            continue
        key, value = line.split("\t", 1)
        if aliases and key.endswith(":"):
            key = key[:-1]
        found.setdefault(key, value)
    return found


def query_input(keys: t.Sequence[str]) -> str:
    """Return standard input for ``postmap -q -``: the keys, or a probe key that makes Postfix open the map."""
    return "\n".join(keys or [PROBE_KEY]) + "\n"


# ---------------------------------------------------------------------------
# Decisions


def must_build(
    map_type: str, content_changed: bool, source_mtime_ns: int | None, compiled_mtime_ns: int | None
) -> bool:
    """Return whether the compiled file must be (re)built.

    Yes when the source content changes, when the compiled file is missing,
    and when it is older than the source (a crash between two steps of an
    earlier run, a hand edit, a restored backup). Never for uncompiled types.
    """
    if not needs_compile(map_type):
        return False
    if content_changed or compiled_mtime_ns is None or source_mtime_ns is None:
        return True
    return compiled_mtime_ns < source_mtime_ns


def build_diff(path: str, before: bytes | None, after: bytes | None, max_size: int = MAX_DIFF_SIZE) -> dict[str, t.Any]:
    """Return an Ansible diff dict for the source at ``path`` (None: file absent)."""
    diff: dict[str, t.Any] = {"before_header": path, "after_header": path}
    before = before or b""
    after = after or b""
    if len(before) > max_size:
        diff["dst_larger"] = max_size
    if len(after) > max_size:
        diff["src_larger"] = max_size
    if "dst_larger" in diff or "src_larger" in diff:
        return diff
    diff["before"] = before.decode("utf-8", errors="replace")
    diff["after"] = after.decode("utf-8", errors="replace")
    return diff


# ---------------------------------------------------------------------------
# Applying tables (I/O; commands through _cmd)


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
        self.label = f"{self.type} {'aliases ' if self.aliases else ''}table {self.path}"
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
            raise Failure(msg, **_cmd.failure_details(argv, rc, stdout, stderr))

    def compile(self, staged: str, data: bytes) -> None:
        """Build ``type:staged`` (creates staged + suffix) under umask 077."""
        argv = self._postfix(f"{self.type}:{staged}")
        rc, out, err = _cmd.run(self.module, argv, check_rc=False, umask=0o077)
        self._fail_problems(err, staged, data, argv, rc, out)
        if rc != 0:
            msg = _cmd.failure_message(argv, rc, err, out, f"Building {self.label} failed")
            raise Failure(msg, **_cmd.failure_details(argv, rc, out, err))

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
            msg = _cmd.failure_message(argv, rc, err, out, f"Looking up keys in {self.label} failed")
            raise Failure(msg, **_cmd.failure_details(argv, rc, out, err))
        found = parse_query_output(out, self.aliases)
        missing = [key for key in keys if key not in found]
        if missing:
            keys_text = ", ".join(repr(key) for key in missing)
            msg = f"{self.label}: verify key(s) {keys_text} did not resolve with {builder(self.aliases)} -q"
            raise Failure(msg, **_cmd.failure_details(argv, rc, out, err))
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
            raise Failure(f"{self.label}: cannot write the temporary source {staged}: {exc}") from exc
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
            raise Failure(f"{self.label}: cannot set owner, group or mode of {args['path']}: {exc}") from exc

    # -- states ------------------------------------------------------------

    def desired(self) -> bytes:
        if self.rendered is not None:
            return self.rendered
        src = self.spec["src"]
        try:
            with open(src, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise Failure(f"{self.label}: src {src} does not exist") from None
        except OSError as exc:
            raise Failure(f"{self.label}: cannot read src {src}: {exc}") from exc

    def current(self) -> tuple[bytes | None, os.stat_result | None]:
        if os.path.islink(self.path):
            raise Failure(f"{self.label}: {self.path} is a symbolic link; give the path of the file itself")
        try:
            with open(self.path, "rb") as handle:
                return handle.read(), os.fstat(handle.fileno())
        except FileNotFoundError:
            return None, None
        except IsADirectoryError:
            raise Failure(f"{self.label}: {self.path} is a directory") from None
        except OSError as exc:
            raise Failure(f"{self.label}: cannot read {self.path}: {exc}") from exc

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
                raise Failure(f"{self.label}: cannot remove {path}: {exc}") from exc

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
                raise Failure(f"{self.label}: cannot install the new table: {exc}") from exc
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


def apply_tables(module: AnsibleModule) -> dict[str, t.Any]:
    """Bring every table of the module's parameters to its state; return the module's result."""
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
    return output
