# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""DKIM keys and the mail authentication records (DKIM, SPF, DMARC,
MTA-STS, TLS-RPT): the pure functions behind the filters dkim_keys,
dkim_problems, dkim_record, mail_auth_records and mail_auth_report, which
run on the controller. Nothing here does I/O.
"""

from __future__ import annotations

import ipaddress
import re

from ansible.errors import AnsibleFilterError

LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
KEY_KEYS = ("domain", "selector", "bits", "state")
KEY_STATES = ("present", "revoked", "absent")
MIN_BITS = 1024
MAX_BITS = 8192
MAIL_KEYS = ("domain", "dkim", "spf", "dmarc", "mta_sts", "tls_rpt")
SPF_KEYS = ("mx", "a", "ip", "include", "all")
SPF_ALL = ("-all", "~all", "?all")
DMARC_KEYS = ("p", "sp", "rua", "ruf", "pct", "adkim", "aspf")
DMARC_POLICIES = ("none", "quarantine", "reject")
STS_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
REPORT_URI = re.compile(r"^(mailto:[^\s,;!@]+@[A-Za-z0-9.-]+|https://[^\s,;!]+)$")


def _domain_problem(value) -> str:
    if not isinstance(value, str) or not value:
        return f"{value!r} is not a domain name"
    name = value[:-1] if value.endswith(".") else value
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        return f"{value!r} is not a domain name (labels of letters, digits and hyphens, at least two of them)"
    return ""


def _domain(value) -> str:
    return value.lower().rstrip(".")


def _bits(value, default):
    if value is None:
        value = default
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def dkim_problems(keys, signing=None, default_bits=2048) -> list[str]:
    """Every problem of dkim_keys, dkim_signing and dkim_key_bits, one
    message each naming the variable, the key and the fix; empty when all
    is well."""
    problems = []
    bits = _bits(default_bits, None)
    if bits is None or not MIN_BITS <= bits <= MAX_BITS:
        problems.append(
            f"dkim_key_bits: {default_bits} refused; an RSA key has {MIN_BITS} to {MAX_BITS} bits "
            f"(2048 is the default; below {MIN_BITS} receivers treat the signature as absent, RFC 8301)"
        )
    if not isinstance(keys, (list, tuple)):
        return [*problems, f"dkim_keys: expected a list of keys {{domain, selector}}, got {type(keys).__name__}"]
    seen = set()
    present = set()
    for index, key in enumerate(keys):
        if not isinstance(key, dict):
            problems.append(f"dkim_keys[{index}]: expected a dict {{domain, selector, bits, state}}, got {key!r}")
            continue
        shown = f"dkim_keys[{index}] ({key.get('domain')}/{key.get('selector')})"
        unknown = sorted(str(k) for k in key if k not in KEY_KEYS)
        if unknown:
            problems.append(f"{shown}: unknown key(s) {', '.join(unknown)}; expected {', '.join(KEY_KEYS)}")
        problem = _domain_problem(key.get("domain"))
        if problem:
            problems.append(f"{shown}: domain {problem}")
        selector = key.get("selector")
        if not isinstance(selector, str) or not LABEL.match(selector):
            problems.append(
                f"{shown}: selector {selector!r} is not a DNS label (1 to 63 letters, digits and hyphens, "
                "not starting or ending with a hyphen; no dots, no underscores)"
            )
        key_bits = _bits(key.get("bits"), default_bits)
        if key_bits is None or not MIN_BITS <= key_bits <= MAX_BITS:
            problems.append(
                f"{shown}: bits {key.get('bits', default_bits)} refused; an RSA key has {MIN_BITS} to {MAX_BITS} bits"
            )
        state = key.get("state", "present")
        if state not in KEY_STATES:
            problems.append(f"{shown}: state {state!r} is not one of {', '.join(KEY_STATES)}")
        if isinstance(key.get("domain"), str) and isinstance(selector, str):
            ident = (_domain(key["domain"]), selector.lower())
            if ident in seen:
                problems.append(f"{shown}: listed twice; give each selector of a domain once")
            seen.add(ident)
            if state == "present":
                present.add(ident)
    if signing is None:
        signing = {}
    if not isinstance(signing, dict):
        return [*problems, f"dkim_signing: expected a dict {{domain: selector}}, got {type(signing).__name__}"]
    for domain, selector in signing.items():
        if not isinstance(domain, str) or not isinstance(selector, str):
            problems.append(f"dkim_signing: {domain!r}: {selector!r} must map a domain to a selector")
            continue
        if (_domain(domain), selector.lower()) not in present:
            others = sorted(s for d, s in present if d == _domain(domain))
            problems.append(
                f"dkim_signing: {domain} would sign with selector {selector}, but dkim_keys has no key "
                f"{{domain: {domain}, selector: {selector}}} in state present; add the key"
                + (f", or sign with {', '.join(others)}" if others else f" (the host has no key for {domain})")
            )
    return problems


def dkim_keys(keys, signing=None, default_bits=2048, key_dir="/etc/dkimkeys") -> list[dict]:
    """The keys normalised: domain in lower case, bits, state, the key file,
    the KeyTable name, the record's owner name, and whether the key signs
    (the selector of dkim_signing, else the domain's last present key)."""
    problems = dkim_problems(keys, signing, default_bits)
    if problems:
        raise AnsibleFilterError("; ".join(problems))
    signing = {_domain(d): s.lower() for d, s in (signing or {}).items()}
    result = []
    for key in keys:
        domain = _domain(key["domain"])
        selector = key["selector"].lower()
        result.append(
            {
                "domain": domain,
                "selector": selector,
                "bits": _bits(key.get("bits"), default_bits),
                "state": key.get("state", "present"),
                "file": f"{key_dir.rstrip('/')}/{domain}.{selector}.private",
                "keyname": f"{selector}._domainkey.{domain}",
                "name": f"{selector}._domainkey.{domain}",
                "signing": False,
            }
        )
    for domain in sorted({k["domain"] for k in result}):
        mine = [k for k in result if k["domain"] == domain and k["state"] == "present"]
        if not mine:
            continue
        chosen = signing.get(domain, mine[-1]["selector"])
        for key in mine:
            key["signing"] = key["selector"] == chosen
    return result


def dkim_record(public_key_pem, state="present", key_type="rsa") -> str:
    """The TXT value of a DKIM key record (RFC 6376 3.6.1): the public key
    (SubjectPublicKeyInfo, base64) from its PEM; an empty p= when revoked."""
    if state == "revoked":
        return "v=DKIM1; p="
    if not isinstance(public_key_pem, str) or "-----BEGIN PUBLIC KEY-----" not in public_key_pem:
        raise AnsibleFilterError("dkim_record: expected a public key in PEM (-----BEGIN PUBLIC KEY-----)")
    body = public_key_pem.split("-----BEGIN PUBLIC KEY-----", 1)[1].split("-----END PUBLIC KEY-----", 1)[0]
    data = "".join(body.split())
    if not re.match(r"^[A-Za-z0-9+/]+=*$", data):
        raise AnsibleFilterError("dkim_record: the public key is not base64")
    return f"v=DKIM1; h=sha256; k={key_type}; p={data}"


def _list(value, what) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise AnsibleFilterError(f"{what}: expected a list, got {type(value).__name__}")
    return list(value)


def _check_keys(spec, what, keys) -> None:
    """Fail, naming `what`, unless `spec` is a dict whose keys are among `keys`."""
    if not isinstance(spec, dict):
        raise AnsibleFilterError(f"{what}: expected a dict {{{', '.join(keys)}}}, got {spec!r}")
    unknown = sorted(str(k) for k in spec if k not in keys)
    if unknown:
        raise AnsibleFilterError(f"{what}: unknown key(s) {', '.join(unknown)}; expected {', '.join(keys)}")


def _domain_terms(spec, what, mechanism) -> list[str]:
    """The SPF terms `MECHANISM:domain` for the domains that `spec` lists under `mechanism` (`a`, `include`)."""
    terms = []
    for name in _list(spec.get(mechanism), f"{what}.{mechanism}"):
        problem = _domain_problem(name)
        if problem:
            raise AnsibleFilterError(f"{what}.{mechanism}: {problem}")
        terms.append(f"{mechanism}:{_domain(name)}")
    return terms


def spf_value(spec, what="spf") -> str:
    """v=spf1 from {mx, a, ip, include, all}, with RFC 7208's limit of ten
    DNS-querying terms."""
    _check_keys(spec, what, SPF_KEYS)
    terms = ["v=spf1"]
    lookups = 0
    if spec.get("mx", True):
        terms.append("mx")
        lookups += 1
    a_terms = _domain_terms(spec, what, "a")
    terms += a_terms
    lookups += len(a_terms)
    for address in _list(spec.get("ip"), f"{what}.ip"):
        try:
            network = ipaddress.ip_network(str(address), strict=False)
        except ValueError:
            raise AnsibleFilterError(f"{what}.ip: {address!r} is not an IPv4 or IPv6 address or network") from None
        if network.prefixlen == 0:
            raise AnsibleFilterError(f"{what}.ip: {address!r} would authorise every host on the Internet")
        text = str(network.network_address) if network.prefixlen == network.max_prefixlen else str(network)
        terms.append(f"ip{network.version}:{text}")
    include_terms = _domain_terms(spec, what, "include")
    terms += include_terms
    lookups += len(include_terms)
    if lookups > 10:
        raise AnsibleFilterError(
            f"{what}: {lookups} terms that query DNS (mx, a, include); RFC 7208 allows 10, and receivers answer permerror"
        )
    final = spec.get("all", "-all")
    if final not in SPF_ALL:
        raise AnsibleFilterError(f"{what}.all: {final!r} is not one of {', '.join(SPF_ALL)}")
    terms.append(final)
    return " ".join(terms)


def _uris(value, what) -> list[str]:
    uris = _list(value, what)
    for uri in uris:
        if not isinstance(uri, str) or not REPORT_URI.match(uri):
            raise AnsibleFilterError(f"{what}: {uri!r} is not a report address (mailto:user@domain or https://...)")
    return uris


def dmarc_value(spec, what="dmarc") -> str:
    """v=DMARC1 from {p, sp, rua, ruf, pct, adkim, aspf}; v first, p required."""
    _check_keys(spec, what, DMARC_KEYS)
    tags = ["v=DMARC1"]
    for tag in ("p", "sp"):
        if tag == "sp" and spec.get("sp") is None:
            continue
        if spec.get(tag) not in DMARC_POLICIES:
            raise AnsibleFilterError(f"{what}.{tag}: {spec.get(tag)!r} is not one of {', '.join(DMARC_POLICIES)}")
        tags.append(f"{tag}={spec[tag]}")
    for tag in ("adkim", "aspf"):
        if spec.get(tag) is not None:
            if spec[tag] not in ("r", "s"):
                raise AnsibleFilterError(f"{what}.{tag}: {spec[tag]!r} is r (relaxed) or s (strict)")
            tags.append(f"{tag}={spec[tag]}")
    if spec.get("pct") is not None:
        if isinstance(spec["pct"], bool) or not str(spec["pct"]).isdigit() or not 0 <= int(spec["pct"]) <= 100:
            raise AnsibleFilterError(f"{what}.pct: {spec['pct']!r} is a percentage from 0 to 100")
        tags.append(f"pct={int(spec['pct'])}")
    for tag in ("rua", "ruf"):
        uris = _uris(spec.get(tag), f"{what}.{tag}")
        if uris:
            tags.append(f"{tag}={','.join(uris)}")
    return "; ".join(tags)


def _entry_records(entry, index, dkim) -> list[dict]:
    """The TXT records of one entry of the mail domains: absolute owner
    names, values as strings (the zone writer splits them at 255 bytes)."""
    if not isinstance(entry, dict):
        raise AnsibleFilterError(f"[{index}]: expected a dict {{domain, dkim, spf, dmarc, mta_sts, tls_rpt}}")
    shown = f"[{index}] ({entry.get('domain')})"
    unknown = sorted(str(k) for k in entry if k not in MAIL_KEYS)
    if unknown:
        raise AnsibleFilterError(f"{shown}: unknown key(s) {', '.join(unknown)}; expected {', '.join(MAIL_KEYS)}")
    problem = _domain_problem(entry.get("domain"))
    if problem:
        raise AnsibleFilterError(f"{shown}: domain {problem}")
    domain = _domain(entry["domain"])
    records = []
    if entry.get("dkim", True):
        for record in sorted(dkim, key=lambda r: r["selector"]):
            if record["domain"] == domain:
                records.append(
                    {"name": f"{record['selector']}._domainkey.{domain}.", "type": "TXT", "value": record["value"]}
                )
    if entry.get("spf") is not None:
        records.append({"name": f"{domain}.", "type": "TXT", "value": spf_value(entry["spf"], f"{shown}.spf")})
    if entry.get("dmarc") is not None:
        records.append(
            {"name": f"_dmarc.{domain}.", "type": "TXT", "value": dmarc_value(entry["dmarc"], f"{shown}.dmarc")}
        )
    if entry.get("mta_sts") is not None:
        sts = entry["mta_sts"]
        sts_id = str(sts.get("id", "")) if isinstance(sts, dict) else ""
        if not STS_ID.match(sts_id):
            raise AnsibleFilterError(
                f"{shown}.mta_sts.id: {sts_id!r} must be 1 to 32 letters and digits, changed with the policy"
            )
        records.append({"name": f"_mta-sts.{domain}.", "type": "TXT", "value": f"v=STSv1; id={sts_id}"})
    if entry.get("tls_rpt") is not None:
        rpt = entry["tls_rpt"]
        uris = _uris(rpt.get("rua") if isinstance(rpt, dict) else None, f"{shown}.tls_rpt.rua")
        if not uris:
            raise AnsibleFilterError(f"{shown}.tls_rpt.rua: give at least one report address")
        records.append({"name": f"_smtp._tls.{domain}.", "type": "TXT", "value": f"v=TLSRPTv1; rua={','.join(uris)}"})
    return records


def _dkim_facts(dkim_records) -> list[dict]:
    """The DKIM records of the estate, from the dkim role's facts of every
    host (a list of lists or of records, or a dict of them by host);
    duplicates merged, conflicts refused."""
    if isinstance(dkim_records, dict):
        dkim_records = [dkim_records[host] for host in sorted(dkim_records)]
    flat = []
    for item in _list(dkim_records, "dkim records"):
        flat.extend(item if isinstance(item, (list, tuple)) else [item])
    seen = {}
    for record in flat:
        if not isinstance(record, dict) or not {"domain", "selector", "value"} <= set(record):
            raise AnsibleFilterError(f"dkim records: {record!r} is not a record of the dkim role's dkim_records fact")
        if record.get("state", "present") == "absent":
            continue
        ident = (_domain(record["domain"]), record["selector"].lower())
        if ident in seen and seen[ident]["value"] != record["value"]:
            raise AnsibleFilterError(
                f"dkim records: two hosts publish different keys for selector {ident[1]} of {ident[0]}; "
                "give each signing host its own selector"
            )
        seen[ident] = {"domain": ident[0], "selector": ident[1], "value": record["value"]}
    return list(seen.values())


def mail_auth_records(zones, mail_domains, dkim_records=None) -> list[dict]:
    """The zones of dns_zones_zones with the TXT records of the mail domains
    (dns_zones_mail_domains) added to the zone each domain is in. Every
    mail domain must be in a served zone; a name that already has an SPF
    or DMARC record in the zone's own records is refused."""
    if not isinstance(zones, (list, tuple)):
        raise AnsibleFilterError("dns_zones_zones: expected a list of zones")
    dkim = _dkim_facts(dkim_records)
    result = [dict(zone) if isinstance(zone, dict) else zone for zone in zones]
    names = [
        _domain(zone["name"]) if isinstance(zone, dict) and isinstance(zone.get("name"), str) else None
        for zone in result
    ]
    for index, entry in enumerate(_list(mail_domains, "dns_zones_mail_domains")):
        try:
            records = _entry_records(entry, index, dkim)
        except AnsibleFilterError as exc:
            raise AnsibleFilterError(f"dns_zones_mail_domains{exc.message}") from None
        domain = _domain(entry["domain"])
        matches = [i for i, name in enumerate(names) if name and (domain == name or domain.endswith("." + name))]
        if not matches:
            raise AnsibleFilterError(
                f"dns_zones_mail_domains[{index}]: {domain} is in no zone of dns_zones_zones; serve its zone here, "
                "or publish its records elsewhere (playbook mailops.postfix.mail_records prints them)"
            )
        target = max(matches, key=lambda i: len(names[i]))
        zone = result[target]
        existing = zone.get("records") or []
        for record in records:
            kind = record["value"].split(" ", 1)[0].split(";", 1)[0]
            for other in existing:
                owner = str(other.get("name", "@")) if isinstance(other, dict) else ""
                owner = f"{names[target]}." if owner == "@" else owner
                owner = owner if owner.endswith(".") else f"{owner}.{names[target]}."
                if (
                    isinstance(other, dict)
                    and str(other.get("type", "")).upper() == "TXT"
                    and owner.lower() == record["name"]
                    and str(other.get("value", "")).startswith(kind)
                ):
                    raise AnsibleFilterError(
                        f"dns_zones_mail_domains[{index}]: {record['name']} already has a {kind} record in the records "
                        f"of zone {names[target]}; keep one (a name has at most one {kind} record)"
                    )
        zone["records"] = list(existing) + records
    return result


def mail_auth_report(mail_domains, dkim_records=None, ttl=3600) -> list[str]:
    """The records as zone-file lines, for DNS that dns_zones does not serve."""
    dkim = _dkim_facts(dkim_records)
    lines = []
    entries = _list(mail_domains, "mail domains")
    domains = {_domain(e["domain"]) for e in entries if isinstance(e, dict) and isinstance(e.get("domain"), str)}
    entries = entries + [{"domain": d, "dkim": True} for d in sorted({r["domain"] for r in dkim} - domains)]
    for index, entry in enumerate(entries):
        for record in _entry_records(entry, index, dkim):
            value = record["value"]
            chunks = [value[start : start + 255] for start in range(0, len(value), 255)] or [""]
            strings = " ".join('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"' for chunk in chunks)
            lines.append(f"{record['name']} {int(ttl)} IN TXT {strings}")
    return lines


def dkim_records(keys, public_keys) -> list[dict]:
    """Each selector's record for the dkim role's fact: the normalised keys
    (dkim_keys) with the public keys read on the host ({file: PEM}).
    Revoked selectors get an empty p=; absent ones, and keys whose public
    key is not known yet (check mode, a first run), are left out."""
    records = []
    for key in keys:
        if key["state"] == "absent" or (key["state"] == "present" and key["file"] not in public_keys):
            continue
        records.append(
            {
                "domain": key["domain"],
                "selector": key["selector"],
                "name": key["name"],
                "state": key["state"],
                "signing": key["signing"],
                "value": dkim_record(public_keys.get(key["file"], ""), key["state"]),
            }
        )
    return records
