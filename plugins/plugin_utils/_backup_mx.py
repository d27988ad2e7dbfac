# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The backup_mx role's valid recipients and the checks of its variables:
the pure functions behind plugins/filter/backup_mx_recipients.py and
backup_mx_problems.py, which run on the controller. Nothing here does I/O.

The primary's variables are those of the inventory (hostvars), never its
facts, so the result does not depend on which hosts a run gathered. Where
the inventory leaves postfix_aliases or postfix_mydestination unset, the
primary has the postfix role's defaults: the role passes them in, read
from roles/postfix/defaults/main.yml, so they are written in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
ALIAS = re.compile(r"^[a-z0-9._+-]+$")
TRANSPORT = re.compile(r"^[a-z][a-z0-9_-]*:(\[[^]\s]+\]|[^\s:\[\]]+)(:[0-9]+)?$")
LIFETIME = re.compile(r"^([0-9]+)([smhdw]?)$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MYHOSTNAME = re.compile(r"\$\{?myhostname\}?")
MYDOMAIN = re.compile(r"\$\{?mydomain\}?")


def _text(value) -> str:
    return "" if value is None else str(value)


def _list(value, variable: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise AnsibleFilterError(f"{variable}: expected a list, got {type(value).__name__}")
    return list(value)


def _keys(value, variable: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise AnsibleFilterError(f"{variable}: expected a mapping, got {type(value).__name__}")
    return [_text(k).lower() for k in value]


def backup_mx_domains(domains) -> list[str]:
    """The relayed domains, lower-cased, each once, in the order given."""
    result = []
    for domain in _list(domains, "backup_mx_domains"):
        domain = _text(domain).lower()
        if domain not in result:
            result.append(domain)
    return result


def _in_domains(address: str, domains: list[str]) -> bool:
    """An address (or @domain) in one of the domains."""
    local, at, domain = address.rpartition("@")
    return bool(at) and not re.search(r"[@\s]", local) and domain in domains


def expand_mydestination(mydestination, myhostname: str, mydomain: str) -> list[str]:
    """postfix_mydestination with $myhostname and $mydomain expanded, lower-cased."""
    result = []
    for item in _list(mydestination, "postfix_mydestination"):
        item = MYHOSTNAME.sub(lambda _: _text(myhostname), _text(item))
        result.append(MYDOMAIN.sub(lambda _: _text(mydomain), item).lower())
    return result


def backup_mx_primary_recipients(primary, domains, primary_host: str = "", postfix_defaults=None) -> list[str]:
    """The valid recipients that the primary's inventory variables give:
    its backup_mx_recipients, the keys of its postfix_virtual_aliases, and
    the keys of its postfix_aliases at each relayed domain it delivers
    locally (in its postfix_mydestination)."""
    if not primary_host:
        return []
    primary = primary if isinstance(primary, Mapping) else {}
    defaults = postfix_defaults if isinstance(postfix_defaults, Mapping) else {}
    domains = backup_mx_domains(domains)
    listed = [
        _text(a).lower() for a in _list(primary.get("backup_mx_recipients"), "backup_mx_recipients of the primary")
    ]
    virtual = _keys(primary.get("postfix_virtual_aliases"), "postfix_virtual_aliases of the primary")
    myhostname = _text(primary.get("postfix_myhostname", primary_host if "." in primary_host else "")).lower()
    mydomain = _text(primary.get("postfix_mydomain", myhostname.split(".", 1)[-1] if "." in myhostname else "")).lower()
    mydestination = expand_mydestination(
        primary.get("postfix_mydestination", defaults.get("postfix_mydestination", [])), myhostname, mydomain
    )
    aliases = _keys(
        primary.get("postfix_aliases", defaults.get("postfix_aliases", {})), "postfix_aliases of the primary"
    )
    local_domains = [d for d in domains if d in mydestination]
    return [a for a in listed + virtual if _in_domains(a, domains)] + [
        f"{alias}@{domain}" for alias in aliases if ALIAS.match(alias) for domain in local_domains
    ]


def backup_mx_recipients(recipients, domains, primary=None, primary_host: str = "", postfix_defaults=None) -> list[str]:
    """Every valid recipient, given directly (backup_mx_recipients) or
    taken from the primary; lower-cased, each once, sorted."""
    given = [_text(a).lower() for a in _list(recipients, "backup_mx_recipients")]
    return sorted(set(given + backup_mx_primary_recipients(primary, domains, primary_host, postfix_defaults)))


def _seconds(value: str) -> int:
    number, unit = LIFETIME.match(value).groups()
    return int(number) * UNITS[unit or "d"]


def backup_mx_problems(settings, recipients=None, inventory_hostname: str = "", hosts=None) -> list[str]:
    """The problems of the role's variables, one message each, naming the
    variable and the value; empty when all is well. `settings` holds the
    backup_mx_* variables and this host's postfix_mydestination,
    postfix_myhostname, postfix_mydomain, postfix_virtual_alias_domains and
    postfix_virtual_aliases; `recipients` is the result of
    backup_mx_recipients; `hosts` the names of the inventory's hosts."""
    if not isinstance(settings, Mapping):
        raise AnsibleFilterError(
            f"backup_mx_problems: expected the settings as a mapping, got {type(settings).__name__}"
        )
    problems = []
    domains = backup_mx_domains(settings.get("backup_mx_domains"))
    if not domains:
        problems.append("backup_mx_domains is empty: list the primary's domains (e.g. [example.org])")
    for domain in domains:
        if not DOMAIN.match(domain):
            problems.append(f"backup_mx_domains: {domain!r} is not a domain name (e.g. example.org)")

    deliver = "a backup MX must not deliver the primary's mail itself, it only holds and passes it on"
    local = expand_mydestination(
        settings.get("postfix_mydestination"), settings.get("postfix_myhostname"), settings.get("postfix_mydomain")
    )
    here = [d for d in domains if d in local]
    if here:
        problems.append(
            f"backup_mx_domains: {', '.join(here)} in postfix_mydestination (expanded: {', '.join(local)}); {deliver}"
        )
    virtual_domains = [
        _text(d).lower() for d in _list(settings.get("postfix_virtual_alias_domains"), "postfix_virtual_alias_domains")
    ]
    here = [d for d in domains if d in virtual_domains]
    if here:
        problems.append(f"backup_mx_domains: {', '.join(here)} in postfix_virtual_alias_domains; {deliver}")
    aliased = [
        a for a in _keys(settings.get("postfix_virtual_aliases"), "postfix_virtual_aliases") if _in_domains(a, domains)
    ]
    if aliased:
        problems.append(f"backup_mx_domains: keys of postfix_virtual_aliases in them: {', '.join(aliased)}; {deliver}")

    primary = _text(settings.get("backup_mx_primary_host"))
    way_out = "give the inventory name of the primary MX, or leave it empty and list backup_mx_recipients"
    if primary and primary == inventory_hostname:
        problems.append(f"backup_mx_primary_host: {primary!r} is this host itself; {way_out}")
    elif primary and hosts is not None and primary not in hosts:
        problems.append(f"backup_mx_primary_host: {primary!r} is not a host of the inventory; {way_out}")

    bad = [
        a
        for a in (_text(a).lower() for a in _list(settings.get("backup_mx_recipients"), "backup_mx_recipients"))
        if not _in_domains(a, domains)
    ]
    if bad:
        problems.append(
            f"backup_mx_recipients: {', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not an address"
            f" (or @domain) in backup_mx_domains ({', '.join(domains)})"
        )
    covered = {a.rpartition("@")[2] for a in (recipients or [])}
    empty = [d for d in domains if d not in covered]
    if empty:
        problems.append(
            f"backup_mx_recipients: no valid recipient for {', '.join(empty)}, so all its mail would be refused;"
            ' list its addresses in backup_mx_recipients (or "@domain" to accept any), or set backup_mx_primary_host'
            " to take them from the primary" + (f" ({primary} gave none for it)" if primary else "")
        )

    transport = _text(settings.get("backup_mx_transport"))
    if transport and not TRANSPORT.match(transport):
        problems.append(
            f"backup_mx_transport: {transport!r} is not a next hop of the form transport:[host]:port,"
            ' e.g. "smtp:[mx1.example.org]:25"; leave it empty to find the primary by MX lookup'
        )

    times = "a Postfix time such as 10d or 240h (s, m, h, d, w; a number alone is days)"
    lifetimes = {}
    for variable in ("backup_mx_maximal_queue_lifetime", "backup_mx_bounce_queue_lifetime"):
        value = _text(settings.get(variable))
        if LIFETIME.match(value):
            lifetimes[variable] = value
        else:
            problems.append(f"{variable}: {value!r} is not {times}")
    if len(lifetimes) == 2 and _seconds(lifetimes["backup_mx_bounce_queue_lifetime"]) > _seconds(
        lifetimes["backup_mx_maximal_queue_lifetime"]
    ):
        problems.append(
            f"backup_mx_bounce_queue_lifetime ({lifetimes['backup_mx_bounce_queue_lifetime']}) must be no longer than"
            f" backup_mx_maximal_queue_lifetime ({lifetimes['backup_mx_maximal_queue_lifetime']})"
        )
    return problems
