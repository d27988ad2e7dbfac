# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The open-relay guard of the assembler: pure functions, no I/O.

For every master.cf service whose command is ``smtpd``, the service's
``-o`` options are laid over the merged main.cf and the effective
configuration is checked:

* the relay decision list (``smtpd_relay_restrictions``, or
  ``smtpd_recipient_restrictions`` when the relay list is empty), with
  ``$parameter`` references and restriction classes expanded and
  restriction names compared case-insensitively, must reach
  ``reject_unauth_destination``, ``defer_unauth_destination``, ``reject``
  or ``defer`` before its end, and every entry before that must be one
  that cannot permit an unauthenticated stranger (ALLOWED below);
* ``mynetworks`` is parsed: ``/0`` (or entries that together cover every
  address) is refused, broad prefixes, host names, files and tables are
  refused unless acknowledged, and a network with host bits set is an
  error;
* ``allow_untrusted_routing = yes`` is refused.

An entry that the guard would refuse (other than ``/0``, host bits and
untrusted routing, which nothing opens) passes when the user acknowledges
it: an acknowledgement is the exact entry, as a string or as
``{entry, service, parameter}`` (service and parameter narrow it).
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

RELAY_PARAMETERS = ("smtpd_relay_restrictions", "smtpd_recipient_restrictions")
# Entries that end the relay decision with a refusal for a foreign domain.
GUARDS = frozenset(("reject_unauth_destination", "defer_unauth_destination", "reject", "defer"))
# Entries that may stand before the guard: none of them can permit mail
# from an unauthenticated client outside mynetworks to a foreign domain.
ALLOWED = frozenset(
    (
        "permit_mynetworks",  # mynetworks is checked below
        "permit_sasl_authenticated",  # a client that logged in
        "permit_tls_clientcerts",  # a client whose certificate fingerprint is in relay_clientcerts
        "permit_inet_interfaces",  # the host itself
        "permit_auth_destination",  # permits only mail to the host's own and relay domains
        "defer_if_permit",
        "defer_if_reject",
        "sleep",
    )
)
# reject_* and defer_* (with their arguments) refuse or do nothing; warn_if_reject
# makes the restriction after it a warning, so that one never counts as the guard.
ALLOWED_PREFIXES = ("reject_", "defer_")
# Restrictions that take the next word as their argument.
ONE_ARGUMENT = re.compile(
    r"^(check_[a-z_]+_access|check_policy_service|reject_rbl_client|reject_rhsbl_[a-z_]+|permit_dnswl_client|"
    r"permit_rhswl_client|sleep)$"
)
REFERENCE = re.compile(r"\$(?:\{([A-Za-z0-9_]+)\}|\(([A-Za-z0-9_]+)\)|([A-Za-z0-9_]+))")
CONDITIONAL = re.compile(r"\$[{(][A-Za-z0-9_]+[?:]")
MAX_DEPTH = 10
# Bounds of mynetworks: any prefix shorter than the first (loopback and
# link-local networks aside), and any public (not private, loopback or
# link-local) network shorter than the second, needs an acknowledgement.
BOUNDS = {4: (8, 24), 6: (32, 48)}


class RelayGuardError(ValueError):
    """A configuration that could relay for strangers."""


def _norm(entry: str) -> str:
    return " ".join(entry.split())


def normalize_acknowledgements(items: t.Any) -> list[dict[str, str | None]]:
    """Check the acknowledgements' shape: strings or {entry, service, parameter}."""
    result = []
    for item in items or []:
        if isinstance(item, str):
            item = {"entry": item}
        if not isinstance(item, dict) or not isinstance(item.get("entry"), str) or not item["entry"].strip():
            raise RelayGuardError(
                f"relay guard acknowledgement {item!r}: give the exact entry as a string, or a mapping with 'entry' "
                "(and optionally 'service' and 'parameter')"
            )
        unknown = set(item) - {"entry", "service", "parameter"}
        if unknown:
            raise RelayGuardError(f"relay guard acknowledgement {item!r}: unknown keys {', '.join(sorted(unknown))}")
        result.append(
            {"entry": _norm(item["entry"]), "service": item.get("service"), "parameter": item.get("parameter")}
        )
    return result


def _acknowledged(acks: list[dict[str, t.Any]], service: str, parameter: str, entry: str) -> bool:
    name = service.split("/")[0]
    for ack in acks:
        if ack["entry"] != _norm(entry):
            continue
        if ack["service"] not in (None, "", service, name):
            continue
        if ack["parameter"] not in (None, "", parameter):
            continue
        return True
    return False


def _unbrace(value: str) -> str:
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        return value[1:-1].strip()
    return value


def _words(value: str, config: dict[str, str], depth: int = 0) -> list[str]:
    """Split a list value into words, expanding $name, ${name} and $(name)."""
    if depth > MAX_DEPTH:
        raise RelayGuardError(f"parameter references nest deeper than {MAX_DEPTH} levels (a loop?) in {value!r}")
    words: list[str] = []
    for word in re.split(r"[\s,]+", _unbrace(value)):
        if not word:
            continue
        if CONDITIONAL.search(word):
            words.append(word)  # ${name?value}: left as it is, so it is refused unless acknowledged
            continue
        match = REFERENCE.fullmatch(word)
        if match:
            name = next(g for g in match.groups() if g)
            words.extend(_words(config.get(name, ""), config, depth + 1))
        elif REFERENCE.search(word):
            words.append(REFERENCE.sub(lambda m: config.get(next(g for g in m.groups() if g), ""), word))
        else:
            words.append(word)
    return words


def _entries(words: list[str]) -> list[str]:
    """Group words into restriction entries: a restriction with its argument."""
    entries: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if ONE_ARGUMENT.match(word.lower()) and i + 1 < len(words):
            entries.append(f"{word} {words[i + 1]}")
            i += 2
        else:
            entries.append(word)
            i += 1
    return entries


def _where(service: str) -> str:
    return "main.cf" if service == "main.cf" else f"master.cf service {service}"


def _fail(service: str, parameter: str, entry: str, why: str, variable: str, via: str = "") -> t.NoReturn:
    where = f"{_where(service)}: {parameter}{via}"
    raise RelayGuardError(
        f"{where} has {entry!r} {why}: refusing a possible open relay. Remove it, or, if you accept the risk, acknowledge exactly "
        f"this entry in {variable} (entry: {_norm(entry)!r}, "
        + ("" if service == "main.cf" else f"service: {service.split('/')[0]!r}, ")
        + f"parameter: {parameter!r})"
    )


def check_restrictions(config: dict[str, str], service: str, acks: list[dict[str, t.Any]], variable: str) -> None:
    """Check the relay decision list of one service's effective configuration."""
    relay = config.get("smtpd_relay_restrictions")
    if relay is None:
        return  # Postfix's default: permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination
    parameter = "smtpd_relay_restrictions" if _unbrace(relay).strip() else "smtpd_recipient_restrictions"
    classes = {w.lower(): w for w in _words(config.get("smtpd_restriction_classes", ""), config)}

    def walk(entries: list[str], via: str, depth: int) -> bool:
        """True when the entries end relaying with a refusal."""
        i = 0
        while i < len(entries):
            entry = entries[i]
            name = entry.split()[0].lower()
            i += 1
            if name == "warn_if_reject":
                # The restriction after it only warns: it is checked, but is no guard.
                if i < len(entries):
                    inner = entries[i]
                    i += 1
                    if inner.split()[0].lower() in GUARDS:
                        continue
                    entry = f"{entry} {inner}"
                    name = inner.split()[0].lower()
                else:
                    continue
            if name in GUARDS:
                return True
            if name in classes:
                if depth > MAX_DEPTH:
                    raise RelayGuardError(
                        f"{_where(service)}: restriction classes nest deeper than {MAX_DEPTH} levels in {parameter}"
                    )
                body = _entries(_words(config.get(classes[name], ""), config))
                if walk(body, f"{via} (restriction class {classes[name]})", depth + 1):
                    return True
                continue
            if (name in ALLOWED or name.startswith(ALLOWED_PREFIXES)) and "$" not in entry:
                continue
            if _acknowledged(acks, service, parameter, entry):
                continue
            if name == "permit":
                why = "before reject_unauth_destination, which permits everything"
            elif ":" in name and not ONE_ARGUMENT.match(name):
                why = "before reject_unauth_destination, a bare table whose OK would permit relaying"
            elif ONE_ARGUMENT.match(name):
                why = "before reject_unauth_destination, a lookup whose OK (or a forged sender, or a policy answer) would permit relaying"
            else:
                why = "before reject_unauth_destination, an entry that can permit relaying (or that the guard does not know)"
            _fail(service, parameter, entry, why, variable, via)
        return False

    entries = _entries(_words(config.get(parameter, ""), config))
    if not walk(entries, "", 0):
        raise RelayGuardError(
            f"{_where(service)}: {parameter} = {_unbrace(config.get(parameter, ''))!r} does not end relaying with "
            "reject_unauth_destination (or defer_unauth_destination, reject, defer), so Postfix would be an open relay, relaying "
            "for anyone; add reject_unauth_destination"
        )


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """Parse one mynetworks address or network, brackets allowed; None if it is no address."""
    plain = text
    match = re.fullmatch(r"\[([^\]]+)\](/\d+)?", text)
    if match:
        plain = match.group(1) + (match.group(2) or "")
    try:
        return ipaddress.ip_network(plain, strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):
            raise
        return None


def network_bound_problem(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str | None:
    """Why a network is too broad to trust without an acknowledgement, or None."""
    if network.prefixlen == 0:
        return "covers every address on the Internet"
    shortest, public = BOUNDS[network.version]
    if network.is_loopback or network.is_link_local:  # never routed beyond the host or its link
        return None
    if network.prefixlen < shortest:
        return f"a network broader than /{shortest}"
    if not network.is_private and network.prefixlen < public:
        return f"a public network broader than /{public}"
    return None


def check_mynetworks(config: dict[str, str], service: str, acks: list[dict[str, t.Any]], variable: str) -> None:
    """Parse mynetworks: no /0, bounded prefixes, no host bits, tables only when acknowledged."""
    parameter = "mynetworks"
    value = config.get(parameter)
    if value is None:
        if config.get("mynetworks_style", "").strip().lower() == "class" and not _acknowledged(
            acks, service, parameter, "mynetworks_style=class"
        ):
            _fail(
                service,
                parameter,
                "mynetworks_style=class",
                "(trusting the whole address class of every interface)",
                variable,
            )
        return
    networks = []
    for word in _words(value, config):
        entry = word[1:] if word.startswith("!") else word
        try:
            network = _network(entry)
        except ValueError:
            raise RelayGuardError(
                f"{_where(service)}: mynetworks entry {word!r} has host bits set; write the network address "
                f"({ipaddress.ip_network(_network_text(entry), strict=False)}) or the single host: the guard never widens a range silently"
            ) from None
        if network is None:
            if entry.startswith("/") or ":" in entry:
                why = "(a file or table whose contents the guard cannot check)"
            else:
                why = "(a host name, or not an address: it trusts whoever controls that name's DNS)"
            if not _acknowledged(acks, service, parameter, word):
                _fail(service, parameter, word, why, variable)
            continue
        if word.startswith("!"):
            continue
        if network.prefixlen == 0:
            raise RelayGuardError(
                f"{_where(service)}: mynetworks contains {word}, which makes every host on the Internet a "
                "trusted relay client: refusing an open relay"
            )
        bound = network_bound_problem(network)
        if bound and not _acknowledged(acks, service, parameter, word):
            _fail(service, parameter, word, f"({bound}, trusted to relay)", variable)
        networks.append(network)
    for version in (4, 6):
        union = ipaddress.collapse_addresses(n for n in networks if n.version == version)
        if any(n.prefixlen == 0 for n in union):
            raise RelayGuardError(
                f"{_where(service)}: the mynetworks entries {_unbrace(value)!r} together cover every IPv{version} "
                "address on the Internet: refusing an open relay"
            )


def _network_text(entry: str) -> str:
    match = re.fullmatch(r"\[([^\]]+)\](/\d+)?", entry)
    return match.group(1) + (match.group(2) or "") if match else entry


def _truthy(value: str) -> bool:
    return _unbrace(value).strip().lower() in ("yes", "true", "1")


def effective_config(main: dict[str, str], service: dict[str, t.Any]) -> dict[str, str]:
    """main.cf with the service's -o options laid over it: those of ``options``,
    then any ``-o name=value`` written in ``args`` (rendered after them, so they win)."""
    config = dict(main)
    for key, value in (service.get("options") or {}).items():
        config[key] = _unbrace(str(value))
    words = [word for arg in service.get("args") or [] for word in str(arg).split()]
    for i, word in enumerate(words):
        setting = (
            words[i + 1]
            if word == "-o" and i + 1 < len(words)
            else word[2:]
            if word.startswith("-o") and word != "-o"
            else None
        )
        if setting and "=" in setting:
            key, _sep, value = setting.partition("=")
            config[key] = _unbrace(value)
    return config


def check_services(
    main: dict[str, str],
    services: t.Iterable[dict[str, t.Any]],
    acknowledge: t.Any = None,
    variable: str = "postfix_relay_guard_acknowledge",
) -> None:
    """Refuse a configuration in which any smtpd service could relay for strangers."""
    acks = normalize_acknowledgements(acknowledge)
    smtpd = [
        s
        for s in services
        if s.get("state", "present") == "present" and str(s.get("command", "")).split()[:1] == ["smtpd"]
    ]
    # main.cf alone, as a service without options would see it (also when master.cf has no smtpd yet).
    checks = [("main.cf", main)] + [(f"{s['service']}/{s['type']}", effective_config(main, s)) for s in smtpd]
    for name, config in checks:
        if _truthy(config.get("allow_untrusted_routing", "no")):
            raise RelayGuardError(
                f"{_where(name)}: allow_untrusted_routing = yes lets source-routed addresses (user%domain@relay) "
                "through: refusing an open relay"
            )
        check_mynetworks(config, name, acks, variable)
        check_restrictions(config, name, acks, variable)
