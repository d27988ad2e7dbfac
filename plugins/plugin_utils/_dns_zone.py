# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure functions behind the dns_zones role: check zone data given as
structured variables, render BIND zone files, keep the SOA serial stable
while a zone's content does not change, and expand a DNSBL zone from a list
of addresses and networks. No I/O here; the filters in
plugins/filter/dns_zone.py call these, and tests/unit tests them."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import ipaddress
import re
import typing as t

RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "PTR", "SRV", "TLSA", "TXT")
RECORD_KEYS = ("name", "type", "value", "ttl", "priority", "weight", "port")
ZONE_KEYS = ("name", "reverse", "ttl", "soa", "ns", "records", "dnsbl")
SOA_KEYS = ("mname", "rname", "refresh", "retry", "expire", "minimum")
DNSBL_KEYS = ("entries", "code", "reason", "ttl")
DNSBL_ENTRY_KEYS = ("address", "code", "reason")

DEFAULT_TTL = 3600
DEFAULT_SOA = {"rname": "hostmaster", "refresh": 3600, "retry": 600, "expire": 1209600, "minimum": 300}
DEFAULT_DNSBL_CODE = "127.0.0.2"

# The placeholder of the serial in a rendered body: the content hash is
# taken over the body with it, so that the serial never changes the hash.
SERIAL_PLACEHOLDER = "@SERIAL@"
HEADER_PREFIX = "; mailops-zone"
_HEADER = re.compile(r"^; mailops-zone serial=(\d+) content=(sha256:[0-9a-f]{64})\s*$")
MAX_SERIAL = 2**32 - 1

_OWNER_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")

# RFC 5782 section 5: test entries every DNSBL must and must not list.
DNSBL_TEST_LISTED = ("127.0.0.2", "::ffff:7f00:2")
DNSBL_TEST_NOT_LISTED = ("127.0.0.1", "::ffff:7f00:1")
DNSBL_TEST_REASON = "RFC 5782 test entry"
# Networks wider than these are refused: they list a good part of the Internet.
DNSBL_MIN_PREFIX = {4: 8, 6: 16}
# Codes a DNSBL must not answer for a listing: 127.0.0.1 (RFC 5782) and
# 127.255.255.0/24, which lists use as error codes (rbl_check treats both as errors).
_DNSBL_BAD_CODES = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("127.255.255.0/24"))
_LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


class ZoneError(ValueError):
    """Invalid zone data; the message names the zone and the record."""


# ---------------------------------------------------------------------------
# Names


def _ip(value: t.Any, parse: t.Callable[[str], t.Any], message: str) -> t.Any:
    """``value`` parsed by ``parse`` (an ipaddress constructor); ZoneError with ``message`` if it is not one."""
    try:
        return parse(str(value).strip())
    except ValueError:
        raise ZoneError(message) from None


def _lower(value: str) -> str:
    return value.strip().lower()


def check_name(name: str, what: str, host: bool = False, wildcard: bool = False) -> str:
    """Check an absolute name (with its trailing dot) and return it.

    host=True requires letters, digits and '-' only (RFC 952/1123 host names,
    for MX, NS, SRV and PTR targets and A/AAAA owners); otherwise '_' is
    allowed too (_dmarc, _25._tcp). wildcard=True allows '*' as first label."""
    if name == ".":
        raise ZoneError(f"{what}: the root name '.' is not allowed here")
    bare = name[:-1] if name.endswith(".") else name
    if len(bare) > 253:
        raise ZoneError(f"{what}: {name!r} is longer than 253 characters")
    labels = bare.split(".")
    for index, label in enumerate(labels):
        if not label:
            raise ZoneError(f"{what}: {name!r} has an empty label")
        if label == "*" and wildcard and index == 0:
            continue
        pattern = _HOST_LABEL if host else _OWNER_LABEL
        if not pattern.match(label):
            allowed = "letters, digits and '-'" if host else "letters, digits, '-' and '_'"
            raise ZoneError(
                f"{what}: {name!r} has the label {label!r}, which must be 1 to 63 of {allowed},"
                " not starting or ending with '-'"
            )
    return name


def absolute(name: t.Any, origin: str, what: str, target: bool = False) -> str:
    """Make a name absolute (origin ends with a dot).

    '@' is the origin; a name with a trailing dot is absolute; a name that
    ends with the zone's name is taken as absolute too (never doubled into
    www.example.org.example.org.); other owner names are relative to the
    zone ('www', '_25._tcp.mx'). For targets (target=True), a name with a
    dot in it is a full name ('mx.example.net') and a single label is
    relative ('mx')."""
    if not isinstance(name, str) or not name.strip():
        raise ZoneError(f"{what}: empty name")
    text = _lower(name)
    if text == "@":
        return origin
    if text.endswith("."):
        return text
    if text + "." == origin or (text + ".").endswith("." + origin):
        return text + "."
    if target and "." in text:
        return text + "."
    return f"{text}.{origin}"


def in_zone(name: str, origin: str) -> bool:
    return name == origin or name.endswith("." + origin)


def reverse_pointer(address: str) -> str:
    """The in-addr.arpa / ip6.arpa name of an address, with a trailing dot."""
    return ipaddress.ip_address(address).reverse_pointer + "."


def reverse_zone_name(network: str) -> str:
    """The reverse zone of a network on an octet (IPv4) or nibble (IPv6)
    boundary: 192.0.2.0/24 -> 2.0.192.in-addr.arpa."""
    try:
        net = ipaddress.ip_network(str(network).strip(), strict=True)
    except ValueError as exc:
        raise ZoneError(f"reverse {network!r}: not a network ({exc})") from None
    step = 8 if net.version == 4 else 4
    if net.prefixlen % step or net.prefixlen == 0:
        unit = "8 (octets)" if net.version == 4 else "4 (nibbles)"
        raise ZoneError(f"reverse {network!r}: the prefix length must be a non-zero multiple of {unit}")
    labels = net.network_address.reverse_pointer.split(".")
    suffix = 2  # in-addr.arpa / ip6.arpa
    keep = net.prefixlen // step
    host_labels = len(labels) - suffix
    return ".".join(labels[host_labels - keep :]) + "."


# ---------------------------------------------------------------------------
# Values


def _int(value: t.Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ZoneError(f"{what}: {value!r} is not a number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ZoneError(f"{what}: {value!r} is not a number") from None
    if isinstance(value, float) and value != number:
        raise ZoneError(f"{what}: {value!r} is not a whole number")
    if not low <= number <= high:
        raise ZoneError(f"{what}: {number} is not between {low} and {high}")
    return number


def _ttl(value: t.Any, what: str) -> int:
    return _int(value, what, 0, 2147483647)


def txt_strings(value: t.Any, what: str) -> str:
    """TXT rdata: each string quoted and escaped, strings longer than 255
    bytes split (as DKIM keys need), several strings joined with spaces."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise ZoneError(f"{what}: empty TXT value")
    parts = []
    for item in items:
        if not isinstance(item, str):
            raise ZoneError(f"{what}: TXT value {item!r} is not a string")
        data = item.encode("utf-8")
        chunks = [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]
        for chunk in chunks:
            out = []
            for byte in chunk:
                char = chr(byte)
                if char in '"\\':
                    out.append("\\" + char)
                elif 32 <= byte < 127:
                    out.append(char)
                else:
                    out.append(f"\\{byte:03d}")
            parts.append('"' + "".join(out) + '"')
    return " ".join(parts)


def _tlsa(value: t.Any, what: str) -> str:
    if not isinstance(value, str):
        raise ZoneError(f"{what}: TLSA value {value!r} must be a string 'usage selector matching-type data'")
    fields = value.split()
    if len(fields) < 4:
        raise ZoneError(
            f"{what}: TLSA value {value!r} must be 'usage selector matching-type data', e.g. '3 1 1 <sha256 hex>'"
        )
    usage = _int(fields[0], f"{what}: TLSA usage", 0, 3)
    selector = _int(fields[1], f"{what}: TLSA selector", 0, 1)
    matching = _int(fields[2], f"{what}: TLSA matching type", 0, 2)
    data = "".join(fields[3:])
    if not _HEX.match(data) or len(data) % 2:
        raise ZoneError(f"{what}: TLSA data {data!r} is not an even number of hexadecimal digits")
    expected = {1: 64, 2: 128}.get(matching)
    if expected and len(data) != expected:
        raise ZoneError(f"{what}: TLSA matching type {matching} needs {expected} hex digits of digest, got {len(data)}")
    return f"{usage} {selector} {matching} {data.lower()}"


# ---------------------------------------------------------------------------
# Records


class Record(t.NamedTuple):
    owner: str  # absolute, with trailing dot
    type: str
    rdata: str  # rendered rdata
    ttl: int | None
    target: str | None  # MX/NS/SRV/CNAME/PTR target (absolute), for the cross checks
    label: str  # how error messages name the record


def _record_label(index: int, record: t.Any) -> str:
    if isinstance(record, dict):
        name = record.get("name", "@")
        rtype = record.get("type", "?")
        value = record.get("value")
        text = f"record {index + 1} ({name} {rtype}"
        if value is not None:
            text += f" {value!r}" if not isinstance(value, (list, tuple)) else f" {list(value)!r}"
        return text + ")"
    return f"record {index + 1} ({record!r})"


def _target(value: t.Any, origin: str, what: str, host: bool = True, allow_root: bool = False) -> str:
    if allow_root and isinstance(value, str) and value.strip() == ".":
        return "."
    if isinstance(value, str) and _looks_like_ip(value.rstrip(".")):
        raise ZoneError(f"{what}: {value!r} is an IP address; give the name of a host (with an A or AAAA record)")
    name = absolute(value, origin, what, target=True)
    return check_name(name, what, host=host)


def parse_record(index: int, record: t.Any, origin: str, default_name: str = "@") -> Record:
    """Check one record of a zone and render its rdata."""
    label = _record_label(index, record)
    if not isinstance(record, dict):
        raise ZoneError(f"{label}: expected a dict with name, type and value")
    unknown = sorted(str(key) for key in record if key not in RECORD_KEYS)
    if unknown:
        raise ZoneError(f"{label}: unknown key(s) {', '.join(unknown)}; expected {', '.join(RECORD_KEYS)}")
    rtype = record.get("type")
    if not isinstance(rtype, str) or rtype.upper() not in RECORD_TYPES:
        raise ZoneError(f"{label}: type {rtype!r} is not one of {', '.join(RECORD_TYPES)}")
    rtype = rtype.upper()
    if "value" not in record or record["value"] is None:
        raise ZoneError(f"{label}: value is missing")
    value = record["value"]
    what = f"{label}"

    raw_name = record.get("name", default_name)
    if rtype == "PTR" and isinstance(raw_name, str) and _looks_like_ip(raw_name):
        try:
            owner = reverse_pointer(raw_name.strip())
        except ValueError as exc:
            raise ZoneError(f"{label}: name {raw_name!r} is not an IP address ({exc})") from None
    else:
        owner = absolute(raw_name if raw_name is not None else "@", origin, f"{label}: name")
    if not in_zone(owner, origin):
        raise ZoneError(f"{label}: name {owner} is not inside the zone {origin}")
    check_name(owner, f"{label}: name", host=rtype in ("A", "AAAA"), wildcard=True)

    ttl = _ttl(record["ttl"], f"{label}: ttl") if record.get("ttl") is not None else None
    for key in ("priority", "weight", "port"):
        if record.get(key) is not None and rtype not in (("MX", "SRV") if key == "priority" else ("SRV",)):
            raise ZoneError(f"{label}: {key} is only for {'MX and SRV' if key == 'priority' else 'SRV'} records")

    target = None
    if rtype in ("A", "AAAA"):
        version = 4 if rtype == "A" else 6
        addr = _ip(value, ipaddress.ip_address, f"{label}: {value!r} is not an IPv{version} address")
        if addr.version != version:
            raise ZoneError(f"{label}: {value!r} is not an IPv{version} address")
        rdata = str(addr)
    elif rtype == "MX":
        if record.get("priority") is None:
            raise ZoneError(f"{label}: MX records need a priority (0 to 65535; lower is tried first)")
        priority = _int(record["priority"], f"{label}: priority", 0, 65535)
        target = _target(value, origin, f"{label}: MX target", allow_root=True)
        if target == "." and priority != 0:
            raise ZoneError(f"{label}: a null MX ('.', RFC 7505) must have priority 0")
        rdata = f"{priority} {target}"
    elif rtype == "SRV":
        numbers = []
        for key in ("priority", "weight", "port"):
            if record.get(key) is None:
                raise ZoneError(f"{label}: SRV records need priority, weight and port; {key} is missing")
            numbers.append(_int(record[key], f"{label}: {key}", 0, 65535))
        target = _target(value, origin, f"{label}: SRV target", allow_root=True)
        rdata = f"{numbers[0]} {numbers[1]} {numbers[2]} {target}"
    elif rtype in ("NS", "PTR"):
        target = _target(value, origin, f"{label}: {rtype} target")
        rdata = target
    elif rtype == "CNAME":
        target = _target(value, origin, f"{label}: CNAME target", host=False)
        if owner == origin:
            raise ZoneError(f"{label}: a CNAME cannot be at the zone's apex {origin} (it has SOA and NS records)")
        rdata = target
    elif rtype == "TXT":
        rdata = txt_strings(value, what)
    else:  # TLSA
        rdata = _tlsa(value, what)
    return Record(owner, rtype, rdata, ttl, target if target != "." else None, label)


def _looks_like_ip(text: str) -> bool:
    text = text.strip()
    return ":" in text or (bool(re.match(r"^[0-9.]+$", text)) and text.count(".") == 3)


# ---------------------------------------------------------------------------
# DNSBL zones


def _dnsbl_codes(value: t.Any, what: str) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise ZoneError(f"{what}: empty return code")
    codes = []
    for item in items:
        addr = _ip(item, ipaddress.IPv4Address, f"{what}: return code {item!r} is not an IPv4 address")
        if addr not in _LOOPBACK:
            raise ZoneError(f"{what}: return code {addr} is not in 127.0.0.0/8 (RFC 5782)")
        for bad in _DNSBL_BAD_CODES:
            if addr in bad:
                raise ZoneError(
                    f"{what}: return code {addr} is in {bad}, which clients take for an error"
                    " (127.0.0.1 must never be a listing, RFC 5782)"
                )
        if str(addr) not in codes:
            codes.append(str(addr))
    return codes


def _nodes(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> list[tuple[tuple[str, ...], bool]]:
    """The DNS nodes of a network: (labels from the top, wildcard).

    A network on an octet (nibble) boundary is one node: a /32 (/128) is the
    address's own name, a wider one a wildcard under its reversed prefix. A
    network between boundaries is split into at most 128 (8) of those."""
    step = 8 if network.version == 4 else 4
    total = 32 if network.version == 4 else 128
    boundary = -(-network.prefixlen // step) * step
    subnets = [network] if boundary == network.prefixlen else list(network.subnets(new_prefix=boundary))
    nodes = []
    for subnet in subnets:
        if network.version == 4:
            labels = str(subnet.network_address).split(".")
        else:
            labels = list(subnet.network_address.exploded.replace(":", ""))
        keep = subnet.prefixlen // step
        nodes.append((tuple(labels[:keep]), subnet.prefixlen != total))
    return nodes


def dnsbl_records(origin: str, spec: t.Any, default_ttl: int | None = None) -> list[Record]:
    """Expand a DNSBL zone's entries into A and TXT records (RFC 5782).

    Each address becomes '<reversed address>.<zone> A <code>' with a TXT
    reason; each network a wildcard on its octet (nibble) boundary, or a few
    of them. The test entries 127.0.0.2 and ::ffff:7f00:2 are always listed;
    an entry that would list 127.0.0.1 is refused."""
    where = f"dnsbl of zone {origin[:-1]}"
    if not isinstance(spec, dict):
        raise ZoneError(f"{where}: expected a dict with entries, code and reason")
    unknown = sorted(str(key) for key in spec if key not in DNSBL_KEYS)
    if unknown:
        raise ZoneError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(DNSBL_KEYS)}")
    default_codes = _dnsbl_codes(spec.get("code") or DEFAULT_DNSBL_CODE, f"{where}: code")
    default_reason = spec.get("reason") or f"Listed by {origin[:-1]}"
    if not isinstance(default_reason, str):
        raise ZoneError(f"{where}: reason {default_reason!r} is not a string")
    ttl = _ttl(spec["ttl"], f"{where}: ttl") if spec.get("ttl") is not None else default_ttl
    entries = spec.get("entries") or []
    if not isinstance(entries, (list, tuple)):
        raise ZoneError(f"{where}: entries must be a list of addresses and networks")

    # (labels from the top, e.g. ('192', '0', '2'), wildcard?) -> (codes, reason, entry as given)
    nodes: dict[tuple[tuple[str, ...], bool], tuple[list[str], str, str]] = {}

    def add(network: t.Any, codes: list[str], reason: str, text: str, label: str) -> None:
        for node in _nodes(network):
            known = nodes.get(node)
            if known is None:
                nodes[node] = (codes, reason, text)
            elif known[:2] != (codes, reason):
                raise ZoneError(
                    f"{label}: {text} is listed twice with different codes or reasons (first as {known[2]})"
                )

    for test in DNSBL_TEST_LISTED:
        add(ipaddress.ip_network(test), [DNSBL_TEST_LISTED[0]], DNSBL_TEST_REASON, test, where)
    for index, entry in enumerate(entries):
        label = f"{where}: entry {index + 1} ({entry!r})"
        codes, reason = default_codes, default_reason
        if isinstance(entry, dict):
            unknown = sorted(str(key) for key in entry if key not in DNSBL_ENTRY_KEYS)
            if unknown:
                raise ZoneError(f"{label}: unknown key(s) {', '.join(unknown)}; expected {', '.join(DNSBL_ENTRY_KEYS)}")
            address = entry.get("address")
            if entry.get("code"):
                codes = _dnsbl_codes(entry["code"], f"{label}: code")
            reason = entry.get("reason") or default_reason
            if not isinstance(reason, str):
                raise ZoneError(f"{label}: reason {reason!r} is not a string")
        else:
            address = entry
        if not isinstance(address, str) or not address.strip():
            raise ZoneError(f"{label}: expected an IP address or network")
        text = address.strip()
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            raise ZoneError(f"{label}: {text!r} is not an IP address or network ({exc})") from None
        minimum = DNSBL_MIN_PREFIX[network.version]
        if network.prefixlen < minimum:
            raise ZoneError(
                f"{label}: {text} is wider than /{minimum}; list smaller networks"
                " (a DNSBL listing that much of the Internet rejects mail from everyone)"
            )
        for never in DNSBL_TEST_NOT_LISTED:
            if ipaddress.ip_address(never) in network:
                raise ZoneError(f"{label}: {text} contains {never}, which a DNSBL must never list (RFC 5782)")
        add(network, codes, reason, text, label)

    # A name below a wildcard makes its ancestors exist (empty non-terminals),
    # and a wildcard never answers below an existing name: give each such
    # ancestor a wildcard of its own, with the data of the wider network.
    wild = {labels: data for (labels, is_wild), data in nodes.items() if is_wild}
    for labels, _is_wild in list(nodes):
        for depth in range(1, len(labels)):
            ancestor = labels[:depth]
            if ancestor in wild:
                continue
            cover = None
            for up in range(depth - 1, 0, -1):
                if labels[:up] in wild:
                    cover = wild[labels[:up]]
                    break
            if cover is not None:
                wild[ancestor] = cover
                nodes[(ancestor, True)] = cover

    records = []
    for (labels, is_wild), (codes, reason, text) in sorted(nodes.items(), key=lambda item: (len(item[0][0]), item[0])):
        owner = ".".join(reversed(labels)) + "." + origin
        if is_wild:
            owner = "*." + owner
        label = f"dnsbl entry {text}"
        for code in codes:
            records.append(Record(owner, "A", code, ttl, None, label))
        records.append(Record(owner, "TXT", txt_strings(reason, label), ttl, None, label))
    return records


# ---------------------------------------------------------------------------
# Zones


class Zone(t.NamedTuple):
    name: str  # without the trailing dot
    origin: str  # with it
    ttl: int
    soa: dict[str, t.Any]
    records: list[Record]  # NS first, then the records, then DNSBL entries


def _soa(zone: str, origin: str, value: t.Any, defaults: dict[str, t.Any], first_ns: str) -> dict[str, t.Any]:
    where = f"zone {zone}: soa"
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ZoneError(f"{where}: expected a dict with {', '.join(SOA_KEYS)}")
    unknown = sorted(str(key) for key in value if key not in SOA_KEYS)
    if unknown:
        raise ZoneError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(SOA_KEYS)}")
    merged = dict(DEFAULT_SOA)
    merged.update({k: v for k, v in (defaults or {}).items() if v is not None})
    merged.update({k: v for k, v in value.items() if v is not None})
    mname = merged.get("mname") or first_ns
    mname = check_name(absolute(mname, origin, f"{where}: mname", target=True), f"{where}: mname", host=True)
    rname = merged.get("rname")
    if not isinstance(rname, str) or not rname.strip():
        raise ZoneError(f"{where}: rname must be the zone administrator's mailbox, e.g. hostmaster@{zone}")
    rname = rname.strip().lower()
    if "@" in rname:
        local, _sep, domain = rname.rpartition("@")
        if not local or "@" in local:
            raise ZoneError(f"{where}: rname {rname!r} is not a mailbox")
        domain_abs = domain if domain.endswith(".") else domain + "."
        check_name(domain_abs, f"{where}: rname domain")
        rname = local.replace(".", "\\.") + "." + domain_abs
    else:
        rname = absolute(rname, origin, f"{where}: rname")
        check_name(rname.replace("\\.", "-"), f"{where}: rname")
    result = {"mname": mname, "rname": rname}
    for key in ("refresh", "retry", "expire", "minimum"):
        result[key] = _ttl(merged[key], f"{where}: {key}")
    return result


def parse_zone(zone: t.Any, defaults: dict[str, t.Any] | None = None) -> Zone:
    """Check one zone (structure and every record) and return it parsed."""
    defaults = defaults or {}
    if not isinstance(zone, dict):
        raise ZoneError(f"zone {zone!r}: expected a dict with name (or reverse), ns and records")
    unknown = sorted(str(key) for key in zone if key not in ZONE_KEYS)
    shown = zone.get("name") or zone.get("reverse") or "?"
    if unknown:
        raise ZoneError(f"zone {shown}: unknown key(s) {', '.join(unknown)}; expected {', '.join(ZONE_KEYS)}")
    if zone.get("name") and zone.get("reverse"):
        raise ZoneError(f"zone {shown}: give either name or reverse (a network), not both")
    if zone.get("reverse"):
        origin = reverse_zone_name(zone["reverse"])
    elif isinstance(zone.get("name"), str) and zone["name"].strip():
        origin = _lower(zone["name"])
        origin = origin if origin.endswith(".") else origin + "."
    else:
        raise ZoneError(f"zone {zone!r}: name (or reverse, a network) is missing")
    name = origin[:-1]
    check_name(origin, f"zone {name}: name")
    ttl = _ttl(
        zone.get("ttl") if zone.get("ttl") is not None else defaults.get("ttl", DEFAULT_TTL), f"zone {name}: ttl"
    )

    ns = zone.get("ns") if zone.get("ns") is not None else defaults.get("ns")
    if isinstance(ns, str):
        ns = [ns]
    if not ns:
        raise ZoneError(f"zone {name}: no name servers; give the zone's ns (or dns_zones_default_ns)")
    if not isinstance(ns, (list, tuple)):
        raise ZoneError(f"zone {name}: ns must be a list of name server names")
    records: list[Record] = []
    for server in ns:
        target = _target(server, origin, f"zone {name}: ns {server!r}")
        records.append(Record(origin, "NS", target, None, target, f"ns {server}"))
    soa = _soa(name, origin, zone.get("soa"), defaults.get("soa") or {}, records[0].target or "")

    raw_records = zone.get("records") or []
    if not isinstance(raw_records, (list, tuple)):
        raise ZoneError(f"zone {name}: records must be a list")
    for index, record in enumerate(raw_records):
        try:
            records.append(parse_record(index, record, origin))
        except ZoneError as exc:
            raise ZoneError(f"zone {name}: {exc}") from None
    if zone.get("dnsbl") is not None:
        records.extend(dnsbl_records(origin, zone["dnsbl"]))
    _check_zone_consistency(name, origin, records)
    return Zone(name, origin, ttl, soa, records)


def _check_zone_consistency(name: str, origin: str, records: list[Record]) -> None:
    by_owner: dict[str, list[Record]] = {}
    for record in records:
        by_owner.setdefault(record.owner, []).append(record)
    seen = set()
    for owner, owned in by_owner.items():
        cnames = [r for r in owned if r.type == "CNAME"]
        if cnames and len(owned) > 1:
            other = next(r for r in owned if r is not cnames[0])
            raise ZoneError(
                f"zone {name}: {cnames[0].label}: {owner} has a CNAME and other records ({other.label});"
                " a CNAME must be the only record of its name"
            )
        nulls = [r for r in owned if r.type == "MX" and r.rdata == "0 ."]
        if nulls and len([r for r in owned if r.type == "MX"]) > 1:
            raise ZoneError(
                f"zone {name}: {nulls[0].label}: a null MX must be the only MX record of {owner} (RFC 7505)"
            )
        for record in owned:
            key = (record.type, record.rdata)
            if (owner, *key) in seen:
                raise ZoneError(f"zone {name}: {record.label}: the same record is given twice")
            seen.add((owner, *key))


def check_targets(zones: list[Zone]) -> None:
    """MX, NS and SRV targets inside a served zone must have an A or AAAA
    record there and must not be aliases (RFC 2181 10.3, RFC 2782); targets
    in zones served elsewhere cannot be checked and are accepted."""
    served = sorted(zones, key=lambda z: len(z.origin), reverse=True)
    index: dict[str, dict[str, set[str]]] = {}
    cuts: dict[str, set[str]] = {}
    for zone in zones:
        owners: dict[str, set[str]] = {}
        for record in zone.records:
            owners.setdefault(record.owner, set()).add(record.type)
        index[zone.origin] = owners
        cuts[zone.origin] = {r.owner for r in zone.records if r.type == "NS" and r.owner != zone.origin}

    def lookup(target: str) -> tuple[Zone | None, set[str]]:
        for zone in served:
            if in_zone(target, zone.origin):
                if any(in_zone(target, cut) for cut in cuts[zone.origin]):
                    return None, set()  # delegated away from this zone
                owners = index[zone.origin]
                if target in owners:
                    return zone, owners[target]
                parent = target.split(".", 1)[1] if "." in target[:-1] else ""
                return zone, owners.get("*." + parent, set()) if parent else set()
        return None, set()

    for zone in zones:
        for record in zone.records:
            if record.type not in ("MX", "NS", "SRV") or not record.target:
                continue
            if record.type == "NS" and record.owner != zone.origin and in_zone(record.target, record.owner):
                # A name server inside the zone it serves needs glue in the parent.
                if not index[zone.origin].get(record.target, set()) & {"A", "AAAA"}:
                    raise ZoneError(
                        f"zone {zone.name}: {record.label}: NS target {record.target} is inside the delegated zone"
                        f" {record.owner} and needs a glue A or AAAA record in zone {zone.name}"
                    )
                continue
            where, types = lookup(record.target)
            if where is None:
                continue
            if "CNAME" in types:
                raise ZoneError(
                    f"zone {zone.name}: {record.label}: {record.type} target {record.target} is an alias (CNAME);"
                    " it must be a name with A or AAAA records (RFC 2181 section 10.3)"
                )
            if not types & {"A", "AAAA"}:
                raise ZoneError(
                    f"zone {zone.name}: {record.label}: {record.type} target {record.target} has no A or AAAA record"
                    f" in zone {where.name}"
                )


def render_body(zone: Zone) -> str:
    """The zone file without its header, with SERIAL_PLACEHOLDER for the serial."""
    soa = zone.soa
    lines = [
        f"$TTL {zone.ttl}",
        f"{zone.origin} IN SOA {soa['mname']} {soa['rname']} (",
        f"    {SERIAL_PLACEHOLDER} ; serial",
        f"    {soa['refresh']} ; refresh",
        f"    {soa['retry']} ; retry",
        f"    {soa['expire']} ; expire",
        f"    {soa['minimum']} ; negative caching TTL",
        ")",
    ]
    width = min(max([len(r.owner) for r in zone.records] + [1]), 48)
    for record in zone.records:
        ttl = f"{record.ttl} " if record.ttl is not None else ""
        lines.append(f"{record.owner.ljust(width)} {ttl}IN {record.type.ljust(5)} {record.rdata}")
    return "\n".join(lines) + "\n"


def content_hash(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def zone_files(zones: t.Any, defaults: dict[str, t.Any] | None = None) -> list[dict[str, t.Any]]:
    """Check every zone and render each: [{name, file, body, hash, records}]."""
    if zones is None:
        zones = []
    if not isinstance(zones, (list, tuple)):
        raise ZoneError("expected a list of zones")
    parsed = [parse_zone(zone, defaults) for zone in zones]
    names: dict[str, int] = {}
    for number, zone in enumerate(parsed):
        if zone.name in names:
            raise ZoneError(f"zone {zone.name}: given twice (zones {names[zone.name] + 1} and {number + 1})")
        names[zone.name] = number
    check_targets(parsed)
    result = []
    for zone in parsed:
        body = render_body(zone)
        result.append(
            {
                "name": zone.name,
                "file": f"db.{zone.name}",
                "body": body,
                "hash": content_hash(body),
                "records": len(zone.records),
            }
        )
    return result


# ---------------------------------------------------------------------------
# Serials


def header_line(serial: int, digest: str) -> str:
    return f"{HEADER_PREFIX} serial={serial} content={digest}"


def parse_header(line: str | None) -> tuple[int, str] | None:
    """(serial, content hash) from a deployed zone file's header line."""
    if not line:
        return None
    match = _HEADER.match(line.strip())
    if not match:
        return None
    return int(match.group(1)), match.group(2)


def next_serial(
    deployed: tuple[int, str] | None, digest: str, today: datetime.date, floor: int | None = None
) -> tuple[int, bool]:
    """The serial to write, and whether the zone changed.

    The same content keeps the deployed serial; new content gets
    max(today's YYYYMMDD00, deployed + 1). A zone never deployed by the role
    starts at today's YYYYMMDD00, or above the serial of the file it
    replaces (``floor``, read from a zone file without the role's header),
    so that the secondaries never see the serial go back."""
    if deployed is not None and deployed[1] == digest:
        return deployed[0], False
    base = int(today.strftime("%Y%m%d")) * 100
    serial = base if deployed is None else max(base, deployed[0] + 1)
    if floor is not None:
        serial = max(serial, floor + 1)
    if serial > MAX_SERIAL:
        raise ZoneError(f"the next serial {serial} does not fit in 32 bits; see RFC 1982 for resetting it")
    return serial, True


def zone_content(body: str, serial: int, digest: str, name: str) -> str:
    return (
        f"; Zone {name}: written by Ansible (mailops.postfix.dns_zones); changes made here are overwritten.\n"
        + header_line(serial, digest)
        + "\n"
        + body.replace(SERIAL_PLACEHOLDER, str(serial))
    )


def parse_grep_headers(lines: t.Iterable[str]) -> dict[str, str]:
    """{file basename: header line} from `grep -H '^; mailops-zone' FILES`."""
    headers: dict[str, str] = {}
    for line in lines or []:
        path, sep, rest = line.partition(":")
        if not sep or not rest.startswith(HEADER_PREFIX):
            continue
        headers.setdefault(path.rsplit("/", 1)[-1], rest)
    return headers


def parse_floors(lines: t.Iterable[str]) -> dict[str, int]:
    """{file basename: serial} from lines "FILE SERIAL", the serials of zone
    files that exist without the role's header (named-checkzone's "loaded serial")."""
    floors: dict[str, int] = {}
    for line in lines or []:
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            floors[parts[0].rsplit("/", 1)[-1]] = int(parts[1])
    return floors


def zone_serials(
    files: list[dict[str, t.Any]],
    headers: dict[str, str],
    today: datetime.date,
    floors: dict[str, int] | None = None,
) -> list[dict[str, t.Any]]:
    """For each rendered zone, its serial and full file content."""
    result = []
    for item in files:
        deployed = parse_header(headers.get(item["file"]))
        floor = None if deployed else (floors or {}).get(item["file"])
        serial, changed = next_serial(deployed, item["hash"], today, floor)
        result.append(
            {
                "name": item["name"],
                "file": item["file"],
                "serial": serial,
                "previous_serial": deployed[0] if deployed else floor,
                "changed": changed,
                "content": zone_content(item["body"], serial, item["hash"], item["name"]),
            }
        )
    return result


def parse_today(value: t.Any) -> datetime.date:
    """A date from 'YYYYMMDD', 'YYYY-MM-DD' or None (today, UTC)."""
    if value is None or value == "":
        return datetime.datetime.now(datetime.UTC).date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace("-", "")
    try:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise ZoneError(f"today {value!r} is not a date (YYYYMMDD)") from None


# ---------------------------------------------------------------------------
# Server settings


def check_addresses(values: t.Any, variable: str) -> list[str]:
    """IP addresses (no networks) for primaries, secondaries and notify."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise ZoneError(f"{variable}: expected a list of IP addresses")
    result = []
    for value in values:
        addr = _ip(value, ipaddress.ip_address, f"{variable}: {value!r} is not an IP address")
        if str(addr) not in result:
            result.append(str(addr))
    return result


TSIG_ALGORITHMS = ("hmac-sha256", "hmac-sha384", "hmac-sha512")
TSIG_MIN_SECRET = {"hmac-sha256": 32, "hmac-sha384": 48, "hmac-sha512": 64}
# Algorithms BIND still accepts but that are too weak for a new key.
TSIG_WEAK_ALGORITHMS = ("hmac-sha224", "hmac-sha1", "hmac-md5")


def check_tsig_key(key: t.Any, variable: str = "dns_zones_tsig_key") -> dict[str, str] | None:
    if not key:
        return None
    if not isinstance(key, dict):
        raise ZoneError(f"{variable}: expected a dict with name, algorithm and secret")
    name = key.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ZoneError(f"{variable}: name is missing")
    check_name(_lower(name) + ".", f"{variable}: name")
    algorithm = str(key.get("algorithm") or "hmac-sha256").lower()
    if algorithm in TSIG_WEAK_ALGORITHMS:
        raise ZoneError(
            f"{variable}: algorithm {algorithm} is weaker than hmac-sha256; make a new key with "
            "`tsig-keygen -a hmac-sha256 NAME` and give its algorithm and secret"
        )
    if algorithm not in TSIG_ALGORITHMS:
        raise ZoneError(f"{variable}: algorithm {algorithm!r} is not one of {', '.join(TSIG_ALGORITHMS)}")
    secret = key.get("secret")
    if not isinstance(secret, str) or not secret.strip():
        raise ZoneError(f"{variable}: secret is missing (base64, as tsig-keygen prints it)")
    try:
        raw = base64.b64decode(secret.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ZoneError(f"{variable}: secret is not valid base64") from None
    # RFC 8945 section 6: a key as long as the hash's output (32 bytes for hmac-sha256).
    needed = TSIG_MIN_SECRET[algorithm]
    if len(raw) < needed:
        raise ZoneError(
            f"{variable}: the secret is {len(raw)} bytes, shorter than the {needed} bytes that {algorithm} needs (RFC 8945); "
            f"make one with `tsig-keygen -a {algorithm} NAME`"
        )
    return {"name": _lower(name), "algorithm": algorithm, "secret": secret.strip()}
