# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Assemble Postfix's main.cf and master.cf from configuration fragments.

Every role of the collection describes what it adds to Postfix in one
fragment (a JSON document in /etc/postfix/mailops.d). This module merges the
fragments into one model and renders main.cf and master.cf from it. Nothing
here does I/O: the postfix_config module reads the fragments, calls these
functions and installs the result.

A fragment is a mapping with these keys, all optional but ``name``:

``name``        the fragment's name, used in error messages.
``priority``    integer order among fragments, lower first (default 50).
``defaults``    main.cf parameters of the lowest precedence (the postfix role's
                Debian defaults); any fragment may override them.
``main``        main.cf parameters. Two fragments that set one parameter to
                different values are an error, except that the fragment marked
                ``override`` (the user's own settings) wins over all others.
``override``    main.cf parameters that win over every other fragment.
``lists``       composed list parameters: ``{param: [{name, order, value}]}``.
                Entries from all fragments are sorted by (order, name) and
                joined; an entry with ``state: absent`` removes that name.
                An entry without ``order`` takes the one that the registry
                (_restrictions.ORDER) gives its name; neither is an error.
``acknowledge`` entries that the open-relay guard (see _relay_guard) lets
                pass: the exact entry as a string, or ``{entry, service,
                parameter}``; the acknowledgements of all fragments apply.
``master``      master.cf services: ``[{service, type, private, unpriv,
                chroot, wakeup, maxproc, command, options, args, state}]``,
                keyed by (service, type). ``state: absent`` removes a service.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.mailops.postfix.plugins.module_utils._relay_guard import (
    RelayGuardError,
    check_services,
    normalize_acknowledgements,
)
from ansible_collections.mailops.postfix.plugins.module_utils._restrictions import (
    UnknownOrder,
    order_of,
    registered_order,
)

MASTER_COLUMNS = ("private", "unpriv", "chroot", "wakeup", "maxproc")
SERVICE_TYPES = ("inet", "unix", "unix-dgram", "fifo", "pass")
# Parameters whose change needs a full stop and start of Postfix
# (postconf(5): "you need to stop and start Postfix when you change ...").
RESTART_PARAMETERS = frozenset(
    ("inet_interfaces", "inet_protocols", "queue_directory", "mail_owner", "setgid_group", "multi_instance_enable")
)
# A service-specific parameter carries the service name, which may hold a
# hyphen (policyd-spf_time_limit for the service policyd-spf).
PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
SERVICE_NAME = re.compile(r"^[A-Za-z0-9_./:\[\]-]+$")
HEADER = "# Managed by Ansible (mailops.postfix). Do not edit: change the fragments in {dir} instead.\n"


class ConfigError(ValueError):
    """An invalid fragment or an unsafe merged configuration."""


def _one_line(where: str, text: str) -> str:
    """Refuse a line break, which would inject lines into main.cf or master.cf."""
    if "\n" in text or "\r" in text:
        raise ConfigError(f"{where} has a line break (\\n or \\r) in {text!r}; a value must be one line")
    return text


def _value_text(value: t.Any) -> str:
    """Render one main.cf value: booleans as yes/no, lists joined by commas."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(item) for item in value)
    if value is None:
        return ""
    return str(value)


def _check_parameters(fragment_name: str, section: str, params: t.Any) -> dict[str, str]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ConfigError(
            f"fragment {fragment_name}: '{section}' must be a mapping of main.cf parameters, got {type(params).__name__}"
        )
    result = {}
    for key, value in params.items():
        if not isinstance(key, str) or not PARAMETER_NAME.match(key):
            raise ConfigError(f"fragment {fragment_name}: '{section}' has an invalid main.cf parameter name {key!r}")
        result[key] = _one_line(f"fragment {fragment_name}: {section} parameter {key}", _value_text(value))
    return result


def _entry_order(fragment_name: str, param: str, entry: dict[str, t.Any], state: str) -> int:
    """The entry's order: its own, else the registry's for its name (module_utils/_restrictions.py).

    An absent entry needs none: it removes the entry of its name wherever it stands.
    """
    if entry.get("order") is None:
        order = registered_order(param, str(entry["name"]))
        if order is not None:
            return order
        if state == "absent":
            return 0
        try:
            return order_of(param, str(entry["name"]))
        except UnknownOrder as exc:
            raise ConfigError(f"fragment {fragment_name}: {exc}") from None
    try:
        return int(entry["order"])
    except (TypeError, ValueError):
        raise ConfigError(
            f"fragment {fragment_name}: lists.{param} entry {entry['name']}: "
            f"order must be an integer, got {entry.get('order')!r}"
        ) from None


def _check_list_entries(fragment_name: str, lists: t.Any) -> dict[str, list[dict[str, t.Any]]]:
    if lists is None:
        return {}
    if not isinstance(lists, dict):
        raise ConfigError(f"fragment {fragment_name}: 'lists' must be a mapping of parameter to entries")
    result: dict[str, list[dict[str, t.Any]]] = {}
    for param, entries in lists.items():
        if not isinstance(param, str) or not PARAMETER_NAME.match(param):
            raise ConfigError(f"fragment {fragment_name}: 'lists' has an invalid main.cf parameter name {param!r}")
        if not isinstance(entries, list):
            raise ConfigError(f"fragment {fragment_name}: lists.{param} must be a list of entries")
        checked = []
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("name"):
                raise ConfigError(f"fragment {fragment_name}: every entry of lists.{param} needs a name, got {entry!r}")
            state = entry.get("state", "present")
            if state not in ("present", "absent"):
                raise ConfigError(
                    f"fragment {fragment_name}: lists.{param} entry {entry['name']}: state must be present or absent, got {state!r}"
                )
            if state == "present" and not _value_text(entry.get("value")).strip():
                raise ConfigError(f"fragment {fragment_name}: lists.{param} entry {entry['name']} has no value")
            _one_line(f"fragment {fragment_name}: lists.{param} entry {entry['name']}", _value_text(entry.get("value")))
            order = _entry_order(fragment_name, param, entry, state)
            checked.append(
                {
                    "name": str(entry["name"]),
                    "order": order,
                    "value": _value_text(entry.get("value")),
                    "state": state,
                    "fragment": fragment_name,
                }
            )
        result[param] = checked
    return result


def _check_service(fragment_name: str, service: t.Any) -> dict[str, t.Any]:
    if not isinstance(service, dict):
        raise ConfigError(f"fragment {fragment_name}: a master.cf service must be a mapping, got {service!r}")
    name = service.get("service")
    kind = service.get("type")
    if not isinstance(name, str) or not SERVICE_NAME.match(name):
        raise ConfigError(f"fragment {fragment_name}: master.cf service has an invalid name {name!r}")
    if kind not in SERVICE_TYPES:
        raise ConfigError(
            f"fragment {fragment_name}: master.cf service {name}: type must be one of {', '.join(SERVICE_TYPES)}, got {kind!r}"
        )
    state = service.get("state", "present")
    if state not in ("present", "absent"):
        raise ConfigError(
            f"fragment {fragment_name}: master.cf service {name}/{kind}: state must be present or absent, got {state!r}"
        )
    checked: dict[str, t.Any] = {"service": name, "type": kind, "state": state, "fragment": fragment_name}
    if state == "absent":
        return checked
    command = service.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ConfigError(f"fragment {fragment_name}: master.cf service {name}/{kind} has no command")
    checked["command"] = _one_line(
        f"fragment {fragment_name}: master.cf service {name}/{kind} command", command.strip()
    )
    for column in MASTER_COLUMNS:
        value = (
            _one_line(
                f"fragment {fragment_name}: master.cf service {name}/{kind} column {column}",
                _value_text(service.get(column, "-")),
            ).strip()
            or "-"
        )
        if " " in value:
            raise ConfigError(
                f"fragment {fragment_name}: master.cf service {name}/{kind}: {column} must be one word, got {value!r}"
            )
        checked[column] = value
    options = service.get("options") or {}
    if not isinstance(options, dict):
        raise ConfigError(f"fragment {fragment_name}: master.cf service {name}/{kind}: options must be a mapping")
    # Sorted, so that a fragment renders the same whether it comes from the
    # task's arguments or from its JSON file (written with sorted keys).
    checked["options"] = dict(
        sorted(_check_parameters(fragment_name, f"master.cf service {name}/{kind} options", options).items())
    )
    for key, value in checked["options"].items():
        if " " in value and not value.startswith("{"):
            raise ConfigError(
                f"fragment {fragment_name}: master.cf service {name}/{kind}: option {key} has a space in its value; "
                "use a comma-separated value or define a main.cf parameter and refer to it as $name"
            )
    args = service.get("args") or []
    if not isinstance(args, list):
        raise ConfigError(f"fragment {fragment_name}: master.cf service {name}/{kind}: args must be a list")
    checked["args"] = [
        _one_line(f"fragment {fragment_name}: master.cf service {name}/{kind} argument", str(arg)) for arg in args
    ]
    return checked


def normalize_fragment(fragment: t.Any, source: str) -> dict[str, t.Any]:
    """Check one fragment's shape and return it in canonical form."""
    if not isinstance(fragment, dict):
        raise ConfigError(f"fragment {source}: must be a mapping, got {type(fragment).__name__}")
    name = str(fragment.get("name") or source)
    unknown = set(fragment) - {
        "name",
        "priority",
        "defaults",
        "main",
        "override",
        "lists",
        "master",
        "description",
        "acknowledge",
    }
    if unknown:
        raise ConfigError(f"fragment {name}: unknown keys {', '.join(sorted(unknown))}")
    try:
        priority = int(fragment.get("priority", 50))
    except (TypeError, ValueError):
        raise ConfigError(f"fragment {name}: priority must be an integer, got {fragment.get('priority')!r}") from None
    master = fragment.get("master") or []
    if not isinstance(master, list):
        raise ConfigError(f"fragment {name}: 'master' must be a list of services")
    acknowledge = fragment.get("acknowledge") or []
    if not isinstance(acknowledge, list):
        raise ConfigError(f"fragment {name}: 'acknowledge' must be a list of relay guard acknowledgements")
    try:
        acknowledge = normalize_acknowledgements(acknowledge)
    except RelayGuardError as exc:
        raise ConfigError(f"fragment {name}: {exc}") from None
    return {
        "name": name,
        "priority": priority,
        "defaults": _check_parameters(name, "defaults", fragment.get("defaults")),
        "main": _check_parameters(name, "main", fragment.get("main")),
        "override": _check_parameters(name, "override", fragment.get("override")),
        "lists": _check_list_entries(name, fragment.get("lists")),
        "master": [_check_service(name, service) for service in master],
        "acknowledge": acknowledge,
    }


def _merge_main(fragments: list[dict[str, t.Any]]) -> dict[str, str]:
    main: dict[str, str] = {}
    for fragment in fragments:
        main.update(fragment["defaults"])
    owners: dict[str, str] = {}
    for fragment in fragments:
        for key, value in fragment["main"].items():
            if key in owners and main[key] != value:
                raise ConfigError(
                    f"fragments {owners[key]} and {fragment['name']} both set main.cf parameter {key}, "
                    f"to {main[key]!r} and {value!r}; set it once, or in postfix_main_cf to decide"
                )
            main[key] = value
            owners[key] = fragment["name"]
    lists: dict[str, dict[str, dict[str, t.Any]]] = {}
    for fragment in fragments:
        for param, entries in fragment["lists"].items():
            merged = lists.setdefault(param, {})
            for entry in entries:
                previous = merged.get(entry["name"])
                if (
                    previous
                    and previous["state"] == entry["state"] == "present"
                    and (previous["value"], previous["order"]) != (entry["value"], entry["order"])
                ):
                    raise ConfigError(
                        f"fragments {previous['fragment']} and {entry['fragment']} both define entry {entry['name']} of {param} differently"
                    )
                merged[entry["name"]] = entry
    for param, merged in lists.items():
        if param in owners:
            raise ConfigError(
                f"main.cf parameter {param} is set as a whole by fragment {owners[param]} and composed from entries too; use one way"
            )
        present = sorted((e for e in merged.values() if e["state"] == "present"), key=lambda e: (e["order"], e["name"]))
        main[param] = ", ".join(e["value"] for e in present)
    for fragment in fragments:
        main.update(fragment["override"])
    return main


def _merge_master(fragments: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    services: dict[tuple[str, str], dict[str, t.Any]] = {}
    for fragment in fragments:
        for service in fragment["master"]:
            key = (service["service"], service["type"])
            if service["state"] == "absent":
                services.pop(key, None)
            else:
                services[key] = service
    return list(services.values())


def check_relay_safety(
    main: dict[str, str], master: list[dict[str, t.Any]] | None = None, acknowledge: t.Any = None
) -> None:
    """Refuse a configuration that could relay for anyone (see _relay_guard)."""
    try:
        check_services(main, master or [], acknowledge)
    except RelayGuardError as exc:
        raise ConfigError(str(exc)) from None


def merge_fragments(fragments: t.Iterable[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Merge normalised fragments into ``{"main": {...}, "master": [...]}``."""
    ordered = sorted(fragments, key=lambda f: (f["priority"], f["name"]))
    main = _merge_main(ordered)
    master = _merge_master(ordered)
    check_relay_safety(main, master, [ack for f in ordered for ack in f.get("acknowledge", [])])
    return {"main": main, "master": master, "fragments": [f["name"] for f in ordered]}


def _wrap(key: str, value: str) -> str:
    """One main.cf line; long comma lists continue on indented lines."""
    line = f"{key} = {value}".rstrip()
    if len(line) <= 100 or ", " not in value:
        return line + "\n"
    items = value.split(", ")
    return f"{key} =\n" + ",\n".join(f"    {item}" for item in items) + "\n"


def render_main_cf(main: dict[str, str], fragments_dir: str) -> str:
    lines = [HEADER.format(dir=fragments_dir), "\n"]
    lines.extend(_wrap(key, main[key]) for key in sorted(main))
    return "".join(lines)


def render_master_cf(services: list[dict[str, t.Any]], fragments_dir: str) -> str:
    lines = [
        HEADER.format(dir=fragments_dir),
        "#\n# service type  private unpriv  chroot  wakeup  maxproc command + args\n",
    ]
    for service in services:
        name = service["service"]
        row = (
            f"{name:<9} {service['type']:<5} "
            + " ".join(f"{service[c]:<7}" for c in MASTER_COLUMNS)
            + f" {service['command']}"
        )
        lines.append(row.rstrip() + "\n")
        for key, value in service["options"].items():
            lines.append(f"  -o {key}={value}\n")
        for arg in service["args"]:
            lines.append(f"  {arg}\n")
    return "".join(lines)


def parse_main_cf(text: str) -> dict[str, str]:
    """Read main.cf's parameters (continuation lines joined) for comparison."""
    params: dict[str, str] = {}
    key = None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0].isspace() and key:
            params[key] = (params[key] + " " + raw.strip()).strip()
            continue
        name, sep, value = raw.partition("=")
        if sep:
            key = name.strip()
            params[key] = value.strip()
    return {k: re.sub(r"\s*,\s*", ", ", re.sub(r"\s+", " ", v)) for k, v in params.items()}


def restart_required(old_main: dict[str, str], new_main: dict[str, str]) -> bool:
    """True when a parameter changed that a reload does not apply."""
    return any(old_main.get(key) != new_main.get(key) for key in RESTART_PARAMETERS)
