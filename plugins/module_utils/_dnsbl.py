# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors

"""Pure logic of the rbl_check module: DNSBL query names, list specifications,
reply-code filters, classification of answers and health verdicts.

Nothing here does I/O or imports dnspython: the module turns each DNS reply
(or failure) into an Outcome and these functions decide what it means.

References: RFC 5782 (DNS blacklists and whitelists), Postfix's
reject_rbl_client reply filter (postconf(5)).
"""

from __future__ import annotations

import ipaddress
import re
import typing as t
from dataclasses import dataclass, field

LISTED = "listed"
NOT_LISTED = "not_listed"
ERROR = "error"

LIST_TYPES = ("ip", "domain")

# Any answer in 127.255.255.0/24 is the list telling that it refused to
# answer (Spamhaus convention), and 127.0.0.1 is never a listing (RFC 5782,
# section 5); SURBL and URIBL answer it to blocked resolvers.
DEFAULT_ERROR_CODES = ("127.255.255.0/24", "127.0.0.1")

KNOWN_ERROR_CODES = {
    "127.0.0.1": "127.0.0.1 is never a listing (RFC 5782); some lists answer it to blocked resolvers",
    "127.255.255.252": "typing error in the DNSBL name",
    "127.255.255.254": "query through a public or open resolver, or an unattributable query",
    "127.255.255.255": "excessive number of queries",
}

LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")

# RFC 5782, section 5: the test entries of each kind of list.
HEALTH_PROBES = {
    "ip": ("127.0.0.2", "127.0.0.1"),
    "domain": ("test", "invalid"),
}

# Outcome kinds, as the module reports a DNS reply or failure.
KIND_ANSWER = "answer"  # NOERROR with A (or TXT) records
KIND_NXDOMAIN = "nxdomain"
KIND_NODATA = "nodata"  # NOERROR without records of the type asked
KIND_TIMEOUT = "timeout"
KIND_SERVFAIL = "servfail"
KIND_REFUSED = "refused"
KIND_NO_NAMESERVERS = "no_nameservers"
KIND_DEADLINE = "deadline"
KIND_ERROR = "error"

ERROR_KINDS = (KIND_TIMEOUT, KIND_SERVFAIL, KIND_REFUSED, KIND_NO_NAMESERVERS, KIND_DEADLINE, KIND_ERROR)

_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_LOOKS_NUMERIC = re.compile(r"^[0-9.]+$")
_OCTET_SET = re.compile(r"^\[([0-9.;\s]+)\]$")
_WEIGHT = re.compile(r"^(.*)\*(-?[0-9]+)$")


class DnsblError(ValueError):
    """Invalid input: the message names the offending value."""


# ---------------------------------------------------------------------------
# Reply-code patterns


@dataclass(frozen=True)
class CodePattern:
    """One reply-code pattern: an address (127.0.0.2), a Postfix reply
    filter (127.0.0.[2..11], 127.0.[0;2].[1..3]) or a network (127.255.255.0/24)."""

    text: str
    network: ipaddress.IPv4Network | None = None
    octets: tuple[tuple[tuple[int, int], ...], ...] = ()

    def matches(self, address: str) -> bool:
        try:
            addr = ipaddress.IPv4Address(address)
        except ValueError:
            return False
        if self.network is not None:
            return addr in self.network
        values = addr.packed
        for value, ranges in zip(values, self.octets, strict=False):
            if not any(low <= value <= high for low, high in ranges):
                return False
        return True


def _parse_octet(part: str, pattern: str) -> tuple[tuple[int, int], ...]:
    def number(text: str) -> int:
        text = text.strip()
        if not text.isdigit() or int(text) > 255:
            raise DnsblError(f"invalid reply code pattern {pattern!r}: {text!r} is not a number from 0 to 255")
        return int(text)

    match = _OCTET_SET.match(part)
    if part.isdigit():
        value = number(part)
        return ((value, value),)
    if not match:
        raise DnsblError(
            f"invalid reply code pattern {pattern!r}: octet {part!r} is neither a number nor a [n;n..n] set"
        )
    ranges = []
    for element in match.group(1).split(";"):
        element = element.strip()
        if not element:
            raise DnsblError(f"invalid reply code pattern {pattern!r}: empty element in {part!r}")
        if ".." in element:
            low_text, _sep, high_text = element.partition("..")
            low, high = number(low_text), number(high_text)
            if low > high:
                raise DnsblError(f"invalid reply code pattern {pattern!r}: range {element!r} is reversed")
        else:
            low = high = number(element)
        ranges.append((low, high))
    return tuple(ranges)


def _split_octets(text: str) -> list[str]:
    """Split on the dots that separate octets, not on the '..' of ranges."""
    parts = []
    depth = 0
    current = ""
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def parse_code_pattern(text: t.Any) -> CodePattern:
    """Parse one reply-code pattern; raise DnsblError naming it when invalid."""
    if not isinstance(text, str) or not text.strip():
        raise DnsblError(f"invalid reply code pattern {text!r}: expected a non-empty string")
    pattern = text.strip()
    if "/" in pattern:
        try:
            network = ipaddress.IPv4Network(pattern, strict=False)
        except ValueError as exc:
            raise DnsblError(f"invalid reply code pattern {pattern!r}: {exc}") from None
        return CodePattern(text=pattern, network=network)
    parts = _split_octets(pattern)
    if len(parts) != 4:
        raise DnsblError(f"invalid reply code pattern {pattern!r}: expected four octets such as 127.0.0.[2..11]")
    return CodePattern(text=pattern, octets=tuple(_parse_octet(part.strip(), pattern) for part in parts))


def parse_code_patterns(value: t.Any, what: str) -> tuple[CodePattern, ...]:
    """Parse a string (one pattern, or several separated by commas or spaces)
    or a list of patterns."""
    if isinstance(value, str):
        items: list[t.Any] = [item for item in re.split(r"[,\s]+", value) if item]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise DnsblError(f"invalid {what} {value!r}: expected a string or a list of reply code patterns")
    if not items:
        raise DnsblError(f"invalid {what} {value!r}: no reply code pattern given")
    try:
        return tuple(parse_code_pattern(item) for item in items)
    except DnsblError as exc:
        raise DnsblError(f"invalid {what}: {exc}") from None


# ---------------------------------------------------------------------------
# Names


def normalize_domain(value: t.Any, what: str = "domain") -> str:
    """Lower-case, strip one trailing dot, IDNA-encode and check a domain name."""
    if not isinstance(value, str) or not value.strip():
        raise DnsblError(f"invalid {what} {value!r}: empty name")
    name = value.strip()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise DnsblError(f"invalid {what} {value!r}: empty name")
    try:
        name = name.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise DnsblError(f"invalid {what} {value!r}: {exc}") from None
    if len(name) > 253:
        raise DnsblError(f"invalid {what} {value!r}: longer than 253 characters")
    for label in name.split("."):
        if not label:
            raise DnsblError(f"invalid {what} {value!r}: empty label")
        if not _LABEL.match(label):
            raise DnsblError(
                f"invalid {what} {value!r}: label {label!r} has characters other than letters, digits, '-' and '_'"
                " or starts or ends with '-'"
            )
    return name


@dataclass(frozen=True)
class Target:
    """A thing to look up: an IPv4 or IPv6 address, or a domain name."""

    text: str  # as given
    kind: str  # ip4, ip6 or domain
    value: str  # normalised: compressed address or lower-case domain

    @property
    def list_type(self) -> str:
        return "domain" if self.kind == "domain" else "ip"


def parse_target(value: t.Any) -> Target:
    """Parse an address to check; raise DnsblError naming it when invalid.

    Anything that contains ':' or only digits and dots must be a valid IP
    address (so 192.0.2.300 is an error, not a domain name)."""
    if not isinstance(value, str) or not value.strip():
        raise DnsblError(f"invalid address {value!r}: empty value")
    text = value.strip()
    if ":" in text or _LOOKS_NUMERIC.match(text):
        if "%" in text:
            raise DnsblError(f"invalid IP address {value!r}: scoped addresses cannot be looked up")
        try:
            addr = ipaddress.ip_address(text)
        except ValueError as exc:
            raise DnsblError(f"invalid IP address {value!r}: {exc}") from None
        return Target(text=value, kind=f"ip{addr.version}", value=str(addr))
    return Target(text=value, kind="domain", value=normalize_domain(text, "domain name"))


def reversed_name(target: Target) -> str:
    """The part of the query name before the zone (RFC 5782 sections 2.1, 2.4, 2.3)."""
    if target.kind == "ip4":
        return ".".join(reversed(target.value.split(".")))
    if target.kind == "ip6":
        nibbles = ipaddress.IPv6Address(target.value).exploded.replace(":", "")
        return ".".join(reversed(nibbles))
    return target.value


def query_name(target: Target, zone: str) -> str:
    """The DNS name to look up for target in zone (no trailing dot)."""
    name = f"{reversed_name(target)}.{zone}"
    if len(name) > 253:
        raise DnsblError(f"address {target.text!r} on list {zone!r}: query name {name!r} is longer than 253 characters")
    return name


# ---------------------------------------------------------------------------
# Lists


@dataclass(frozen=True)
class ListSpec:
    """One DNSBL as the module checks it."""

    zone: str
    type: str = "ip"
    listed_codes: tuple[CodePattern, ...] | None = None
    error_codes: tuple[CodePattern, ...] = field(
        default_factory=lambda: parse_code_patterns(list(DEFAULT_ERROR_CODES), "error_codes")
    )
    weight: int | None = None

    @property
    def name(self) -> str:
        """Display name, in Postfix syntax: zone or zone=filter."""
        if not self.listed_codes:
            return self.zone
        return f"{self.zone}={','.join(p.text for p in self.listed_codes)}"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "zone": self.zone,
            "type": self.type,
            "listed_codes": [p.text for p in self.listed_codes] if self.listed_codes else None,
            "error_codes": [p.text for p in self.error_codes],
            "weight": self.weight,
        }


def _split_postfix_syntax(text: str) -> tuple[str, str | None, int | None]:
    """Split 'zone=filter*weight' (reject_rbl_client / postscreen_dnsbl_sites syntax)."""
    weight = None
    match = _WEIGHT.match(text)
    if match:
        text, weight = match.group(1), int(match.group(2))
    zone, sep, pattern = text.partition("=")
    return zone.strip(), (pattern.strip() if sep else None), weight


_SPEC_KEYS = ("zone", "type", "listed_codes", "error_codes")


def parse_list_spec(value: t.Any) -> ListSpec:
    """Parse one entry of the lists option: 'zone', 'zone=127.0.0.[2..11]'
    (optionally '*weight' as in postscreen_dnsbl_sites, ignored) or a dict
    {zone, type, listed_codes, error_codes}."""
    if isinstance(value, str):
        raw: dict[str, t.Any] = {"zone": value}
    elif isinstance(value, dict):
        unknown = sorted(str(key) for key in value if key not in _SPEC_KEYS)
        if unknown:
            raise DnsblError(f"list {value!r}: unknown key(s) {', '.join(unknown)}; expected {', '.join(_SPEC_KEYS)}")
        raw = dict(value)
    else:
        raise DnsblError(f"invalid list {value!r}: expected a zone name or a dict with a zone key")

    zone_text = raw.get("zone")
    if not isinstance(zone_text, str) or not zone_text.strip():
        raise DnsblError(f"invalid list {value!r}: empty zone name")
    zone_part, inline_filter, weight = _split_postfix_syntax(zone_text.strip())
    if not zone_part:
        raise DnsblError(f"invalid list {value!r}: empty zone name")
    zone = normalize_domain(zone_part, "list zone")

    list_type = raw.get("type") or "ip"
    if list_type not in LIST_TYPES:
        raise DnsblError(f"list {zone!r}: invalid type {list_type!r}; expected one of {', '.join(LIST_TYPES)}")

    listed_value = raw.get("listed_codes")
    if inline_filter is not None and listed_value is not None:
        raise DnsblError(f"list {zone!r}: give the reply filter either as {zone_text!r} or as listed_codes, not both")
    if inline_filter is not None:
        if not inline_filter:
            raise DnsblError(f"list {zone!r}: empty reply filter after '=' in {zone_text!r}")
        listed_value = inline_filter
    listed = parse_code_patterns(listed_value, f"listed_codes of list {zone!r}") if listed_value is not None else None

    error_value = raw.get("error_codes")
    if error_value is None:
        errors = parse_code_patterns(list(DEFAULT_ERROR_CODES), "error_codes")
    elif isinstance(error_value, (list, tuple)) and not error_value:
        errors = ()
    else:
        errors = parse_code_patterns(error_value, f"error_codes of list {zone!r}")
    return ListSpec(zone=zone, type=list_type, listed_codes=listed, error_codes=errors, weight=weight)


def dedupe(items: t.Iterable[t.Any], key: t.Callable[[t.Any], t.Any]) -> list:
    seen = set()
    kept = []
    for item in items:
        marker = key(item)
        if marker in seen:
            continue
        seen.add(marker)
        kept.append(item)
    return kept


def parse_nameserver(value: t.Any) -> tuple[str, int]:
    """Parse '192.0.2.53', '192.0.2.53:5353', '2001:db8::53' or '[2001:db8::53]:5353'."""
    if not isinstance(value, str) or not value.strip():
        raise DnsblError(f"invalid nameserver {value!r}: empty value")
    text = value.strip()
    port_text = None
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise DnsblError(f"invalid nameserver {value!r}: expected [IPv6]:port")
        port_text = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, _sep, port_text = text.partition(":")
    else:
        host = text
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise DnsblError(f"invalid nameserver {value!r}: {host!r} is not an IP address") from None
    port = 53
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise DnsblError(f"invalid nameserver {value!r}: port {port_text!r} is not a number from 1 to 65535")
        port = int(port_text)
    return str(addr), port


# ---------------------------------------------------------------------------
# Classification


@dataclass(frozen=True)
class Outcome:
    """What one DNS query gave: kind (see KIND_*), the records (A addresses or
    TXT strings) and, for failures, a message."""

    kind: str
    records: tuple[str, ...] = ()
    message: str | None = None


@dataclass(frozen=True)
class Verdict:
    status: str
    codes: tuple[str, ...] = ()
    error: str | None = None


def _describe_failure(outcome: Outcome) -> str:
    labels = {
        KIND_TIMEOUT: "timeout",
        KIND_SERVFAIL: "SERVFAIL",
        KIND_REFUSED: "REFUSED",
        KIND_NO_NAMESERVERS: "no nameserver answered",
        KIND_DEADLINE: "not answered before the deadline of the run",
        KIND_ERROR: "DNS error",
    }
    label = labels.get(outcome.kind, outcome.kind)
    if outcome.message:
        return f"{label}: {outcome.message}"
    return label


def classify(outcome: Outcome, spec: ListSpec, apply_filter: bool = True) -> Verdict:
    """Classify the answer to the A query of one address on one list.

    - NXDOMAIN, or no A record: not listed.
    - Any failure (timeout, SERVFAIL, REFUSED, no nameserver, deadline): error.
    - Any answer outside 127.0.0.0/8: error (dead list, parked domain wildcard).
    - Any answer matching the list's error codes: error.
    - Otherwise listed with the codes that pass the listed_codes filter;
      when none passes, not listed (the codes ignored are still returned).
    """
    if outcome.kind in (KIND_NXDOMAIN, KIND_NODATA):
        return Verdict(NOT_LISTED)
    if outcome.kind != KIND_ANSWER:
        return Verdict(ERROR, error=_describe_failure(outcome))
    codes = tuple(sorted(set(outcome.records), key=_sort_key))
    if not codes:
        return Verdict(NOT_LISTED)
    for code in codes:
        try:
            addr = ipaddress.IPv4Address(code)
        except ValueError:
            return Verdict(ERROR, codes, f"answer {code!r} is not an IPv4 address")
        if addr not in LOOPBACK:
            return Verdict(
                ERROR,
                codes,
                f"list is returning non-loopback {code}: probably a dead or parked domain answering with a wildcard",
            )
    for code in codes:
        for pattern in spec.error_codes:
            if pattern.matches(code):
                meaning = KNOWN_ERROR_CODES.get(code)
                detail = f" ({meaning})" if meaning else ""
                return Verdict(ERROR, codes, f"list returned error code {code}{detail}, matching {pattern.text}")
    if apply_filter and spec.listed_codes:
        matched = tuple(code for code in codes if any(p.matches(code) for p in spec.listed_codes))
        if not matched:
            return Verdict(NOT_LISTED, codes)
        return Verdict(LISTED, matched)
    return Verdict(LISTED, codes)


def _sort_key(code: str) -> tuple[int, t.Any]:
    try:
        return (0, int(ipaddress.IPv4Address(code)))
    except ValueError:
        return (1, code)


def txt_reason(outcome: Outcome | None) -> str | None:
    """The reason text from a TXT answer (several records joined by '; ')."""
    if outcome is None or outcome.kind != KIND_ANSWER or not outcome.records:
        return None
    return "; ".join(outcome.records)


def health_verdict(spec: ListSpec, positive: Verdict, negative: Verdict) -> tuple[bool, str]:
    """RFC 5782 section 5: the positive test entry (127.0.0.2, or TEST for a
    domain list) must be listed and the negative one (127.0.0.1, INVALID)
    must not. Verdicts here are classified without the listed_codes filter."""
    pos_name, neg_name = HEALTH_PROBES[spec.type]
    if positive.status == ERROR:
        return False, f"test entry {pos_name}: {positive.error}"
    if negative.status == ERROR:
        return False, f"test entry {neg_name}: {negative.error}"
    if positive.status == LISTED and negative.status == NOT_LISTED:
        return True, f"lists {pos_name} ({', '.join(positive.codes)}) and not {neg_name}, as RFC 5782 requires"
    if positive.status == LISTED and negative.status == LISTED:
        return False, (
            f"lists {neg_name} ({', '.join(negative.codes)}), which must never be listed:"
            " the list answers for everything (wildcard)"
        )
    if negative.status == LISTED:
        return False, f"lists {neg_name} but not {pos_name}: the list's answers are inverted or broken"
    return False, (
        f"does not list the test entry {pos_name}: the list answers for nothing"
        " (dead, empty, or not a DNSBL of this type)"
    )


# ---------------------------------------------------------------------------
# Report


def apply_health(results: list[dict], lists: dict[str, dict]) -> None:
    """Turn the results of a list that failed its health check into errors:
    a wildcard list must not report listings, nor a dead one 'not listed'."""
    for result in results:
        health = lists.get(result["zone"], {})
        if health.get("healthy") is False:
            result["status"] = ERROR
            result["error"] = f"list {result['zone']} failed its health check: {health['reason']}"


def summarize(results: list[dict], lists: dict[str, dict], targets: int, elapsed: float) -> dict:
    counts = {LISTED: 0, NOT_LISTED: 0, ERROR: 0}
    for result in results:
        counts[result["status"]] += 1
    checked = [entry for entry in lists.values() if entry.get("healthy") is not None]
    return {
        "addresses": targets,
        "lists": len(lists),
        "lookups": len(results),
        "listed": counts[LISTED],
        "not_listed": counts[NOT_LISTED],
        "errors": counts[ERROR],
        "healthy": sum(1 for entry in checked if entry["healthy"]),
        "unhealthy": sum(1 for entry in checked if not entry["healthy"]),
        "elapsed": round(elapsed, 3),
    }


def listed_message(results: list[dict]) -> str:
    """The fail_on_listed message: every listed address with its lists."""
    by_address: dict[str, list[str]] = {}
    for result in results:
        if result["status"] != LISTED:
            continue
        detail = result["list"]
        if result.get("codes"):
            detail += f" ({', '.join(result['codes'])})"
        by_address.setdefault(result["address"], []).append(detail)
    parts = [f"{address} on {', '.join(where)}" for address, where in by_address.items()]
    return "listed on DNSBL: " + "; ".join(parts)


# ---------------------------------------------------------------------------
# Lookups: what a run asks, and its report


class Lookup:
    """One query name to resolve: an address on a list, or a health probe."""

    __slots__ = ("a", "probe", "qname", "spec", "target", "txt")

    def __init__(self, target: Target, spec: ListSpec, qname: str, probe: bool = False) -> None:
        self.target = target
        self.spec = spec
        self.qname = qname
        self.probe = probe
        self.a: Outcome | None = None
        self.txt: Outcome | None = None


def build_lookups(targets: list[Target], specs: list[ListSpec], health_check: bool) -> list[Lookup]:
    lookups = []
    for target in targets:
        for spec in specs:
            if spec.type == target.list_type:
                lookups.append(Lookup(target, spec, query_name(target, spec.zone)))
    if health_check:
        done = set()
        for spec in specs:
            if spec.zone in done:
                continue
            done.add(spec.zone)
            for probe in HEALTH_PROBES[spec.type]:
                target = parse_target(probe)
                lookups.append(Lookup(target, spec, query_name(target, spec.zone), probe=True))
    return lookups


def report(lookups: list[Lookup], specs: list[ListSpec], health_check: bool) -> tuple[list[dict], dict[str, dict]]:
    results = []
    for lookup in lookups:
        if lookup.probe:
            continue
        verdict = classify(lookup.a, lookup.spec)
        results.append(
            {
                "address": lookup.target.text.strip(),
                "list": lookup.spec.name,
                "zone": lookup.spec.zone,
                "query": lookup.qname,
                "status": verdict.status,
                "codes": list(verdict.codes),
                "reason": txt_reason(lookup.txt) if verdict.status == LISTED else None,
                "error": verdict.error,
            }
        )

    lists: dict[str, dict] = {}
    for spec in specs:
        if spec.zone not in lists:
            lists[spec.zone] = {
                "healthy": None,
                "reason": "not checked (health_check=false)",
                "type": spec.type,
                "names": [],
                "probes": {},
            }
        lists[spec.zone]["names"].append(spec.name)
    if health_check:
        probes: dict[str, dict[str, t.Any]] = {}
        for lookup in lookups:
            if lookup.probe:
                probes.setdefault(lookup.spec.zone, {})[lookup.target.value] = (
                    lookup.spec,
                    classify(lookup.a, lookup.spec, apply_filter=False),
                )
        for zone, by_probe in probes.items():
            spec = next(iter(by_probe.values()))[0]
            positive, negative = (by_probe[name][1] for name in HEALTH_PROBES[spec.type])
            healthy, reason = health_verdict(spec, positive, negative)
            lists[zone]["healthy"] = healthy
            lists[zone]["reason"] = reason
            lists[zone]["probes"] = {
                name: {"status": verdict.status, "codes": list(verdict.codes), "error": verdict.error}
                for name, (_spec, verdict) in by_probe.items()
            }
        apply_health(results, lists)
    return results, lists
