# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The greylisting role's checks of its variables and the kinds of
whitelist entries postgrey reads: the pure functions behind
plugins/filter/greylisting_problems.py and greylisting_entries.py, which
run on the controller. Nothing here does I/O.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

# Syntax of whitelist entries, as postgrey reads them (postgrey(8)).
REGEX_ENTRY = re.compile(r"^/\S+/$")
IPV4_ENTRY = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}(/[0-9]{1,2})?$")
IPV6_ENTRY = re.compile(r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]{1,3})?$")
NAME_ENTRY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
ADDRESS_ENTRY = re.compile(r'^[^@\s#"]+@([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)?$')
NUMERIC = re.compile(r"^[0-9./]+$")
IPV4_HOST = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")
SOCKET = re.compile(r"^/[A-Za-z0-9_./-]+$")
RETRY_WINDOW = re.compile(r"^[1-9][0-9]*h?$")
OPTION = re.compile(r"^--?[a-z0-9][a-z0-9-]*(=[A-Za-z0-9._,:/@%+=-]+)?$")
# The options that the role's variables set, which greylisting_extra_options may not repeat.
MANAGED_OPTIONS = (
    "--inet",
    "-i",
    "--unix",
    "-u",
    "--socketmode",
    "--delay",
    "--max-age",
    "--retry-window",
    "--auto-whitelist-clients",
    "--whitelist-clients",
    "--whitelist-recipients",
    "--greylist-text",
    "--daemonize",
    "-d",
    "--pidfile",
    "--user",
    "--group",
    "--dbdir",
)


def _int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _at_least(least: int) -> t.Callable[[t.Any], bool]:
    """A check of a setting: a whole number (a boolean is not) of at least `least`."""
    return lambda value: (number := _int(value)) is not None and number >= least


def _json(value) -> str:
    return json.dumps(str(value))


# The settings checked one by one, in the order of the messages: the variable,
# whether its value is good, how the message shows the value, what is wrong.
SETTINGS: tuple[tuple[str, t.Callable[[t.Any], bool], t.Callable[[t.Any], str], str], ...] = (
    (
        "greylisting_delay",
        _at_least(1),
        str,
        "is not a delay; give a whole number of seconds, at least 1 (postgrey defaults to 300)",
    ),
    ("greylisting_max_age", _at_least(1), str, "is not an age; give a whole number of days, at least 1"),
    (
        "greylisting_retry_window",
        lambda value: bool(RETRY_WINDOW.match(str(value))),
        _json,
        'must be a number of days ("2") or of hours ("36h"), at least 1',
    ),
    ("greylisting_auto_whitelist_clients", _at_least(0), str, "must be 0 (off) or a positive count"),
)


def _strings(value, variable: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise AnsibleFilterError(f"{variable}: expected a list, got {type(value).__name__}")
    return [str(item) for item in value]


def _is_network(entry: str) -> bool:
    return bool(IPV4_ENTRY.match(entry) or IPV6_ENTRY.match(entry))


def greylisting_entries(entries, kind: str = "network") -> list[str]:
    """The whitelist entries of one kind: `network` (those written as an
    IPv4 or IPv6 address or network, for the postfix_networks check) or
    `regex` (the /regex/ entries, without the slashes)."""
    entries = _strings(entries, "greylisting whitelist")
    if kind == "network":
        return [e for e in entries if _is_network(e)]
    if kind == "regex":
        return [e[1:-1] for e in entries if REGEX_ENTRY.match(e)]
    raise AnsibleFilterError(f"greylisting_entries: kind must be network or regex, got {kind!r}")


def greylisting_problems(settings) -> list[str]:
    """The problems of the role's variables (greylisting_* in `settings`),
    one message each, naming the variable and the value; empty when all is
    well."""
    if not isinstance(settings, Mapping):
        raise AnsibleFilterError(
            f"greylisting_problems: expected the settings as a mapping, got {type(settings).__name__}"
        )
    problems = []
    get = settings.get

    for variable, valid, shown, problem in SETTINGS:
        if not valid(get(variable)):
            problems.append(f"{variable}: {shown(get(variable))} {problem}")
    # Unset (None), the registry of orders places greylisting (600).
    order = _int(get("greylisting_restriction_order"))
    if get("greylisting_restriction_order") is not None and (order is None or order <= 300):
        problems.append(
            f"greylisting_restriction_order: {get('greylisting_restriction_order')} must be above 300, after"
            " reject_unauth_destination, or greylisting would delay mail that Postfix refuses to relay anyway"
        )

    if get("greylisting_listen") == "inet":
        host = str(get("greylisting_inet_host"))
        if not IPV4_HOST.match(host):
            problems.append(f"greylisting_inet_host: {_json(host)} must be an IPv4 address, normally 127.0.0.1")
        port = _int(get("greylisting_inet_port"))
        if port is None or not 1 <= port <= 65535:
            problems.append(f"greylisting_inet_port: {get('greylisting_inet_port')} must be a port from 1 to 65535")
    elif get("greylisting_listen") == "unix":
        socket = str(get("greylisting_unix_socket"))
        if not SOCKET.match(socket):
            problems.append(
                f"greylisting_unix_socket: {_json(socket)} must be an absolute path of letters, digits, _ . / -"
            )

    text = str(get("greylisting_text", ""))
    if not text.strip() or re.search(r'["\\$`\n\r]', text):
        problems.append(
            f'greylisting_text: {_json(text)} must be one line of text without the characters " \\ $ `'
            " (it goes into /etc/default/postgrey, which systemd and sh both read)"
        )

    clients = _strings(get("greylisting_whitelist_clients"), "greylisting_whitelist_clients")
    bad = [
        c
        for c in clients
        if not (REGEX_ENTRY.match(c) or NAME_ENTRY.match(c) or _is_network(c))
        or (NUMERIC.match(c) and not IPV4_ENTRY.match(c))
    ]
    if bad:
        problems.append(
            f"greylisting_whitelist_clients: {', '.join(map(_json, bad))} not understood; an entry is a host name or"
            " domain (mail.example.org), a whole IPv4 or IPv6 address or CIDR network (192.0.2.7, 198.51.100.0/24,"
            " 2001:db8::/32) or a /regex/ without spaces; write a partial address such as 192.168.1 as 192.168.1.0/24"
        )
    everyone = [c for c in clients if _is_network(c) and re.search(r"/0+$", c)]
    if everyone:
        problems.append(
            f"greylisting_whitelist_clients: {', '.join(map(_json, everyone))} would whitelist every client"
            " and turn greylisting off"
        )
    recipients = _strings(get("greylisting_whitelist_recipients"), "greylisting_whitelist_recipients")
    bad = [r for r in recipients if not (REGEX_ENTRY.match(r) or ADDRESS_ENTRY.match(r) or NAME_ENTRY.match(r))]
    if bad:
        problems.append(
            f"greylisting_whitelist_recipients: {', '.join(map(_json, bad))} not understood; an entry is user@domain,"
            " user@, a domain or a /regex/ without spaces"
        )

    options = _strings(get("greylisting_extra_options"), "greylisting_extra_options")
    bad = [o for o in options if not OPTION.match(o) or o.split("=", 1)[0] in MANAGED_OPTIONS]
    if bad:
        problems.append(
            f"greylisting_extra_options: {', '.join(map(_json, bad))} refused; an option is --name or --name=value, the"
            " value made of letters, digits and . _ , : / @ % + = - only (no spaces, quotes, $, backslashes or"
            " backquotes, which would break the quoting of POSTGREY_OPTS in /etc/default/postgrey), and the options that"
            f" the role's variables set ({' '.join(MANAGED_OPTIONS)}) go through those variables"
        )
    return problems
