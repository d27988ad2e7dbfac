# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The smarthost role's relays, their password table, the checks of its
variables and the submission users' sender addresses: the pure functions
behind the filters plugins/filter/smarthost_*.py, which run on the
controller. Nothing here does I/O; the role's vars/main.yml calls the
filters instead of computing JSON as text in Jinja.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

HOST = re.compile(r"^(\[?[0-9A-Fa-f:.]+\]?|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$")
SENDER = re.compile(r"^([^@\s,]+@|@)[A-Za-z0-9.-]+$")
SCHEME = re.compile(r"^\{([A-Za-z0-9._-]+)\}")
# Dovecot password schemes that store a salted, slow hash. {PLAIN},
# {CLEARTEXT} and the like store the password itself; {MD5}, {SHA} and
# the other fast or unsalted digests fall to a dictionary in minutes.
HASH_SCHEMES = ("SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "ARGON2I", "ARGON2ID")
VARIABLES = ("smarthost_relayhosts", "smarthost_fallback_relays", "smarthost_sender_relayhosts")
KINDS = {
    "smarthost_relayhosts": "relay",
    "smarthost_fallback_relays": "fallback",
    "smarthost_sender_relayhosts": "sender",
}


def _text(value) -> str:
    return "" if value is None else str(value)


def _port(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def smarthost_relays(relayhosts, fallback_relays=None, sender_relayhosts=None) -> list[dict]:
    """All relays in one list, each with `variable`, `kind` (relay, fallback
    or sender) and `nexthop` as Postfix writes it: [host]:port, or host:port
    with MX lookups."""
    relays = []
    for variable, items in zip(VARIABLES, (relayhosts, fallback_relays, sender_relayhosts), strict=False):
        if items is None:
            continue
        if not isinstance(items, (list, tuple)):
            raise AnsibleFilterError(f"{variable}: expected a list of relays, got {type(items).__name__}")
        for item in items:
            if not isinstance(item, dict):
                raise AnsibleFilterError(f"{variable}: expected a relay (a dict), got {type(item).__name__}")
            host = _text(item.get("host"))
            port = _port(item.get("port") if item.get("port") is not None else 587)
            relay = dict(item)
            relay.update(
                {
                    "variable": variable,
                    "kind": KINDS[variable],
                    "host": host,
                    "port": port,
                    "username": _text(item.get("username")),
                    "password": _text(item.get("password")),
                    "nexthop": (host if item.get("mx") else f"[{host}]") + f":{port}",
                }
            )
            relays.append(relay)
    return relays


def _relay_problem(relay: dict, tls_level: str) -> str:
    port = relay["port"]
    user, password = relay["username"], relay["password"]
    if not HOST.match(relay["host"]):
        return "the host is not a host name or address"
    if not isinstance(port, int) or port < 1 or port > 65535:
        return "the port is out of range (1-65535)"
    if user and not password:
        return "a username is set but the password is missing"
    if password and not user:
        return "a password is set but the username is missing"
    if re.search(r"[:\s]", user):
        return "the username may not contain a colon or whitespace"
    if re.search(r"[\r\n]", password):
        return "the password may not contain a line break"
    if relay["kind"] == "sender" and not SENDER.match(_text(relay.get("sender"))):
        return f"sender must be an address (user@example.org) or a domain (@example.org), got {_text(relay.get('sender'))!r}"
    if user and tls_level != "secure":
        return (
            "the relay has credentials but smarthost_tls_level is "
            + repr(tls_level)
            + ": a password is sent only to a relay whose certificate is verified; set smarthost_tls_level to secure"
        )
    return ""


def smarthost_relay_problems(relays, tls_level: str = "secure") -> list[dict]:
    """One item per relay: `variable`, `host`, `port`, `sender` and
    `problem` (empty when the relay is fine). Never a password.

    Postfix finds a relay's login by the server it talks to (the next hop),
    never by sender here: two relays with the same next hop must therefore
    carry the same credentials (or none), else one would log in with the
    other's."""
    checks = []
    seen: dict[str, dict] = {}
    for relay in relays:
        problem = _relay_problem(relay, tls_level)
        first = seen.setdefault(relay["nexthop"], relay)
        if (
            not problem
            and first is not relay
            and (first["username"], first["password"]) != (relay["username"], relay["password"])
        ):
            where = first["variable"] + (f" (sender {first.get('sender')})" if first["kind"] == "sender" else "")
            problem = (
                f"{relay['nexthop']} is also a relay in {where} with other credentials; Postfix picks a relay's login"
                " by the server it connects to, so one server takes one login: give both the same credentials,"
                " or use a different host name or port"
            )
        checks.append(
            {
                "variable": relay["variable"],
                "host": relay["host"],
                "port": relay["port"],
                "sender": _text(relay.get("sender")),
                "problem": problem,
            }
        )
    return checks


def smarthost_sasl_table(relays) -> dict:
    """The SASL password table: next hop -> user:password, one entry per
    relay with credentials. Keyed by the server only, never by sender, so
    a relay (a fallback relay too) is offered its own login and no other."""
    table = {}
    for relay in relays:
        if relay["username"]:
            table[relay["nexthop"]] = f"{relay['username']}:{relay['password']}"
    return table


def smarthost_user_addresses(user: dict, domain: str) -> list[str]:
    """The sender addresses of one submission user: `addresses` when given,
    else the user's name when it is an address, else name@domain."""
    name = _text(user.get("name")).lower()
    addresses = user.get("addresses")
    if addresses is None:
        addresses = [name if "@" in name else f"{name}@{domain}"]
    return [_text(a).lower() for a in addresses]


def smarthost_user_problems(users, domain: str = "") -> list[dict]:
    """One item per submission user: `name` and `problem` (empty when the
    user is fine). Never a password."""
    checks = []
    names = set()
    for user in users or []:
        name = _text(user.get("name"))
        password = _text(user.get("password"))
        password_hash = _text(user.get("password_hash"))
        addresses = user.get("addresses")
        scheme = SCHEME.match(password_hash)
        if not re.match(r"^[^:,\s]+$", name):
            problem = "the name may not contain a colon, a comma or whitespace"
        elif name.lower() in names:
            problem = "the name is given twice (names are compared in lower case)"
        elif not password and not password_hash:
            problem = "the password is missing (set password, or password_hash)"
        elif password and password_hash:
            problem = "set password or password_hash, not both"
        elif re.search(r"[\r\n]", password):
            problem = "the password may not contain a line break"
        elif SCHEME.match(password) and SCHEME.match(password).group(1).upper() in (
            "PLAIN",
            "CLEARTEXT",
            "PLAIN-TRUNC",
        ):
            problem = (
                f"password starts with {{{SCHEME.match(password).group(1)}}}, a Dovecot scheme that stores the"
                " password in clear: give the password itself in password (the role hashes it with SHA512-CRYPT)"
            )
        elif re.search(r"[:\s]", password_hash):
            problem = "password_hash may not contain a colon or whitespace"
        elif password_hash and (not scheme or scheme.group(1).upper() not in HASH_SCHEMES):
            found = f"the {{{scheme.group(1)}}} scheme" if scheme else "no {SCHEME} prefix"
            problem = (
                f"password_hash has {found}; it must be a salted hash of "
                + ", ".join(HASH_SCHEMES)
                + " (doveadm pw -s SHA512-CRYPT), or give the password in password and the role hashes it"
            )
        elif addresses is not None and not isinstance(addresses, (list, tuple)):
            problem = "addresses must be a list"
        elif addresses is not None and len(addresses) == 0:
            problem = "addresses is empty, so the user could send as nobody: leave it out for the default (name@domain)"
        elif addresses is not None and [a for a in addresses if not SENDER.match(_text(a))]:
            bad = next(a for a in addresses if not SENDER.match(_text(a)))
            problem = f"addresses: {_text(bad)!r} is not an address (user@example.org) or a domain (@example.org)"
        elif addresses is None and "@" not in name and not domain:
            problem = "no addresses given and no domain to make the default name@domain from"
        else:
            problem = ""
        names.add(name.lower())
        checks.append({"name": name, "problem": problem})
    return checks


def smarthost_sender_logins(users, domain: str) -> dict:
    """The table of smtpd_sender_login_maps: sender address (or @domain)
    -> the users that may send as it, comma-separated."""
    owners: dict[str, list[str]] = {}
    for user in users or []:
        name = _text(user.get("name")).lower()
        for address in smarthost_user_addresses(user, domain):
            names = owners.setdefault(address, [])
            if name not in names:
                names.append(name)
    return {address: ", ".join(names) for address, names in owners.items()}


def smarthost_dovecot_salts(content) -> dict:
    """The salt of each user's SHA512-CRYPT hash in Dovecot's password file
    (`name:{SHA512-CRYPT}$6$SALT$HASH` lines), so that an unchanged
    password hashes to an unchanged line. Other lines are left out."""
    salts = {}
    for line in _text(content).splitlines():
        name, colon, password = line.partition(":")
        if colon and password.startswith("{SHA512-CRYPT}$6$"):
            salts[name] = password.split("$")[2]
    return salts


def smarthost_dovecot_passwd(users, hashes=None) -> str:
    """Dovecot's password file: `name:hash` for each submission user, the
    name lower-cased, the hash the user's password_hash or, for a user with
    a password, `{SHA512-CRYPT}` and the crypt(3) hash of `hashes` (the
    results of the role's `openssl passwd -6` loop, each with `item.name`
    and `stdout`)."""
    hashed = {}
    for result in hashes or []:
        item = result.get("item") or {}
        if "stdout" in result and item.get("name") is not None:
            hashed[_text(item["name"])] = _text(result["stdout"]).strip()
    lines = []
    for user in users or []:
        name = _text(user.get("name"))
        password_hash = _text(user.get("password_hash"))
        if not password_hash:
            if name not in hashed:
                raise AnsibleFilterError(
                    f"smarthost_sasl_users: user {name!r} has neither a password_hash nor a hashed password"
                )
            password_hash = "{SHA512-CRYPT}" + hashed[name]
        lines.append(f"{name.lower()}:{password_hash}\n")
    return "".join(lines)
