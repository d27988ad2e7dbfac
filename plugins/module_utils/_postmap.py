# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure logic of the mailops.postfix.postmap module (no I/O).

Rendering of table sources, validation of entries, parsing of Postfix's
warnings into line numbers, names of compiled files, entry counting and the
decision whether a table must be rebuilt. Private to the collection.
"""

from __future__ import annotations

import collections.abc
import re
import typing as t

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
