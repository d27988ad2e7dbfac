# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The postfix role's lookup tables, described once as a list and turned
into the postmap module's items and the main.cf references to them: the
pure functions behind plugins/filter/postfix_tables.py and
postfix_table_maps.py, which run on the controller. Nothing here does I/O.

A table is `{name, entries}` with optional `path` (default
/etc/postfix/NAME), `type` (default: the map type given to the filter),
`aliases` (built with postalias), `always` (kept, and named in main.cf,
even without entries) and `parameters` (the main.cf parameters that name
it). A table without entries is removed, and nothing names it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

DIRECTORY = "/etc/postfix"


def _tables(tables, map_type: str):
    if not isinstance(tables, (list, tuple)):
        raise AnsibleFilterError(f"postfix tables: expected a list of tables, got {type(tables).__name__}")
    names = set()
    for table in tables:
        if not isinstance(table, Mapping) or not table.get("name"):
            raise AnsibleFilterError(f"postfix tables: every table needs a name, got {table!r}")
        name = str(table["name"])
        if name in names:
            raise AnsibleFilterError(f"postfix tables: the table {name} is listed twice")
        names.add(name)
        yield name, table, str(table.get("type") or map_type), str(table.get("path") or f"{DIRECTORY}/{name}")


def _entries(name: str, entries):
    """A mapping as it is; a list of {pattern, action} (header and body
    checks) as the lines "pattern action"; any other list as it is."""
    if entries is None:
        return {}
    if isinstance(entries, Mapping):
        return dict(entries)
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError(f"postfix tables: the entries of {name} must be a mapping or a list")
    lines = []
    for entry in entries:
        if isinstance(entry, Mapping):
            if "pattern" not in entry or "action" not in entry:
                raise AnsibleFilterError(
                    f"postfix tables: an entry of {name} needs a pattern and an action, got {entry!r}"
                )
            lines.append(f"{entry['pattern']} {entry['action']}")
        else:
            lines.append(entry)
    return lines


def _present(table) -> bool:
    return bool(table.get("always")) or bool(table.get("entries"))


def postfix_tables(tables, map_type: str = "hash") -> list[dict]:
    """The tables in the postmap module's format: `path`, `type`,
    `entries`, `state` (absent for a table without entries) and `aliases`
    for the aliases table."""
    result = []
    for name, table, table_type, path in _tables(tables, map_type):
        item = {
            "path": path,
            "type": table_type,
            "entries": _entries(name, table.get("entries")),
            "state": "present" if _present(table) else "absent",
        }
        if table.get("aliases"):
            item["aliases"] = True
        result.append(item)
    return result


def postfix_table_maps(tables, map_type: str = "hash", key: str = "name") -> dict:
    """TYPE:PATH of each table that is present, keyed by the table's name
    (key=name) or by each main.cf parameter that names it (key=parameter)."""
    if key not in ("name", "parameter"):
        raise AnsibleFilterError(f"postfix_table_maps: key must be name or parameter, got {key!r}")
    maps = {}
    for name, table, table_type, path in _tables(tables, map_type):
        if not _present(table):
            continue
        if key == "name":
            maps[name] = f"{table_type}:{path}"
        else:
            for parameter in table.get("parameters") or []:
                maps[str(parameter)] = f"{table_type}:{path}"
    return maps
