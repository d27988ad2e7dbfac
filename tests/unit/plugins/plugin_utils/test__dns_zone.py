# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.postfix.plugins.plugin_utils._dns_zone import (
    SERIAL_PLACEHOLDER,
    ZoneError,
    absolute,
    check_addresses,
    check_tsig_key,
    dnsbl_records,
    header_line,
    next_serial,
    parse_floors,
    parse_grep_headers,
    parse_header,
    parse_today,
    reverse_zone_name,
    txt_strings,
    zone_files,
    zone_serials,
)

TODAY = datetime.date(2026, 5, 20)
NS = ["ns1.example.test", "ns2.example.test"]


def zone(records=None, **extra):
    base = {
        "name": "example.test",
        "ns": NS,
        "records": [
            {"name": "ns1", "type": "A", "value": "192.0.2.1"},
            {"name": "ns2", "type": "A", "value": "192.0.2.2"},
        ]
        + (records or []),
    }
    base.update(extra)
    return base


def body_lines(zones, **defaults):
    return zone_files(zones, defaults)[0]["body"].splitlines()


def record_lines(zones):
    """Rendered records without the column padding: 'owner TYPE rdata'."""
    return [" ".join(line.split()) for line in body_lines(zones) if " IN " in line and "SOA" not in line]


# --- names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, target, expected",
    [
        ("@", False, "example.test."),
        ("www", False, "www.example.test."),
        ("_25._tcp.mx", False, "_25._tcp.mx.example.test."),
        ("WWW.Example.Test", False, "www.example.test."),
        ("mx.example.org.", False, "mx.example.org."),
        ("mx.sub", False, "mx.sub.example.test."),
        ("mx", True, "mx.example.test."),
        ("mx.example.org", True, "mx.example.org."),
        ("mx.example.test", True, "mx.example.test."),
    ],
)
def test_absolute(name, target, expected):
    assert absolute(name, "example.test.", "test", target=target) == expected


@pytest.mark.parametrize(
    "network, expected",
    [
        ("192.0.2.0/24", "2.0.192.in-addr.arpa."),
        ("10.0.0.0/8", "10.in-addr.arpa."),
        ("172.16.0.0/16", "16.172.in-addr.arpa."),
        ("2001:db8::/32", "8.b.d.0.1.0.0.2.ip6.arpa."),
        ("2001:db8:1230::/44", "3.2.1.8.b.d.0.1.0.0.2.ip6.arpa."),
    ],
)
def test_reverse_zone_name(network, expected):
    assert reverse_zone_name(network) == expected


@pytest.mark.parametrize(
    "network, message",
    [
        ("192.0.2.0/25", "multiple of 8"),
        ("192.0.2.1/24", "not a network"),
        ("2001:db8::/30", "multiple of 4"),
    ],
)
def test_reverse_zone_name_refused(network, message):
    with pytest.raises(ZoneError, match=message):
        reverse_zone_name(network)


def test_txt_strings_escape_and_split():
    assert txt_strings('say "hi" \\ bye', "t") == '"say \\"hi\\" \\\\ bye"'
    assert txt_strings(["a", "b"], "t") == '"a" "b"'
    long = "k" * 300
    assert txt_strings(long, "t") == '"' + "k" * 255 + '" "' + "k" * 45 + '"'
    assert txt_strings("é", "t") == '"\\195\\169"'


# --- records -------------------------------------------------------------------


def test_render_all_types():
    lines = record_lines(
        [
            zone(
                [
                    {"type": "MX", "priority": 10, "value": "mx"},
                    {"type": "MX", "priority": 20, "value": "backup.example.org"},
                    {"name": "mx", "type": "A", "value": "192.0.2.25"},
                    {"name": "mx", "type": "AAAA", "value": "2001:DB8::25"},
                    {"name": "www", "type": "CNAME", "value": "mx", "ttl": 60},
                    {"type": "TXT", "value": "v=spf1 mx -all"},
                    {"name": "_dmarc", "type": "TXT", "value": "v=DMARC1; p=reject"},
                    {"name": "_submission._tcp", "type": "SRV", "priority": 0, "weight": 1, "port": 587, "value": "mx"},
                    {"name": "_25._tcp.mx", "type": "TLSA", "value": "3 1 1 " + "AB" * 32},
                    {"name": "sub", "type": "NS", "value": "ns.elsewhere.test"},
                ]
            )
        ]
    )
    assert lines == [
        "example.test. IN NS ns1.example.test.",
        "example.test. IN NS ns2.example.test.",
        "ns1.example.test. IN A 192.0.2.1",
        "ns2.example.test. IN A 192.0.2.2",
        "example.test. IN MX 10 mx.example.test.",
        "example.test. IN MX 20 backup.example.org.",
        "mx.example.test. IN A 192.0.2.25",
        "mx.example.test. IN AAAA 2001:db8::25",
        "www.example.test. 60 IN CNAME mx.example.test.",
        'example.test. IN TXT "v=spf1 mx -all"',
        '_dmarc.example.test. IN TXT "v=DMARC1; p=reject"',
        "_submission._tcp.example.test. IN SRV 0 1 587 mx.example.test.",
        "_25._tcp.mx.example.test. IN TLSA 3 1 1 " + "ab" * 32,
        "sub.example.test. IN NS ns.elsewhere.test.",
    ]


def test_soa_and_ttl_defaults():
    lines = body_lines([zone()], ttl=300, soa={"rname": "dns.admin@example.org", "retry": 60})
    assert lines[0] == "$TTL 300"
    assert lines[1] == "example.test. IN SOA ns1.example.test. dns\\.admin.example.org. ("
    assert lines[2].split()[0] == SERIAL_PLACEHOLDER
    assert [line.split()[0] for line in lines[3:7]] == ["3600", "60", "1209600", "300"]


def test_reverse_zone_with_ptr_by_address():
    lines = record_lines(
        [
            {
                "reverse": "192.0.2.0/24",
                "ns": ["ns1.example.test"],
                "records": [
                    {"name": "192.0.2.25", "type": "PTR", "value": "mx.example.test"},
                    {"name": "26", "type": "PTR", "value": "backup.example.test."},
                ],
            }
        ]
    )
    assert lines[1:] == [
        "25.2.0.192.in-addr.arpa. IN PTR mx.example.test.",
        "26.2.0.192.in-addr.arpa. IN PTR backup.example.test.",
    ]


def test_null_mx():
    lines = record_lines([zone([{"type": "MX", "priority": 0, "value": "."}])])
    assert "example.test. IN MX 0 ." in lines


@pytest.mark.parametrize(
    "record, message",
    [
        (
            {"name": "www", "type": "A", "value": "192.0.2.300"},
            r"zone example.test: record 3 \(www A '192.0.2.300'\): '192.0.2.300' is not an IPv4 address",
        ),
        ({"name": "www", "type": "A", "value": "2001:db8::1"}, "is not an IPv4 address"),
        ({"name": "www", "type": "AAAA", "value": "192.0.2.1"}, "is not an IPv6 address"),
        ({"name": "www", "type": "SPF", "value": "x"}, "type 'SPF' is not one of"),
        ({"name": "www", "type": "A"}, "value is missing"),
        ({"name": "www", "type": "A", "value": "192.0.2.1", "prio": 1}, r"unknown key\(s\) prio"),
        ({"type": "MX", "value": "mx"}, "MX records need a priority"),
        ({"type": "MX", "priority": 70000, "value": "ns1"}, "70000 is not between 0 and 65535"),
        ({"type": "MX", "priority": 10, "value": "."}, "null MX"),
        (
            {"type": "MX", "priority": 10, "value": "nowhere"},
            r"MX target nowhere.example.test. has no A or AAAA record in zone example.test",
        ),
        ({"type": "MX", "priority": 10, "value": "bad_name"}, "label 'bad_name'"),
        ({"name": "_x._tcp", "type": "SRV", "priority": 0, "weight": 0, "value": "ns1"}, "port is missing"),
        ({"name": "www", "type": "A", "value": "192.0.2.1", "priority": 1}, "priority is only for MX and SRV"),
        ({"type": "CNAME", "value": "ns1"}, "cannot be at the zone's apex"),
        ({"name": "ns1", "type": "CNAME", "value": "ns2"}, "has a CNAME and other records"),
        ({"name": "x", "type": "TLSA", "value": "3 1 1 abcd"}, "needs 64 hex digits"),
        ({"name": "x", "type": "TLSA", "value": "4 1 1 " + "ab" * 32}, "TLSA usage: 4 is not between 0 and 3"),
        ({"name": "www.example.org.", "type": "A", "value": "192.0.2.1"}, "is not inside the zone"),
        ({"name": "under_score", "type": "A", "value": "192.0.2.1"}, "label 'under_score'"),
        ({"name": "ns1", "type": "A", "value": "192.0.2.1"}, "the same record is given twice"),
        ({"name": "www", "type": "A", "value": "192.0.2.1", "ttl": -1}, "ttl: -1 is not between"),
    ],
)
def test_bad_records(record, message):
    with pytest.raises(ZoneError, match=message):
        zone_files([zone([record])])


def test_mx_to_cname_refused():
    with pytest.raises(ZoneError, match=r"MX target alias.example.test. is an alias \(CNAME\)"):
        zone_files(
            [
                zone(
                    [
                        {"name": "alias", "type": "CNAME", "value": "ns1"},
                        {"type": "MX", "priority": 10, "value": "alias"},
                    ]
                )
            ]
        )


def test_targets_checked_across_zones_and_outside_accepted():
    other = {
        "name": "example.net",
        "ns": ["ns1.example.test"],
        "records": [
            {"type": "MX", "priority": 10, "value": "mx.example.test"},
            {"type": "MX", "priority": 20, "value": "mx.example.org"},  # not served here: accepted
        ],
    }
    with pytest.raises(ZoneError, match=r"zone example.net: record 1 .*MX target mx.example.test. has no A or AAAA"):
        zone_files([zone(), other])
    rendered = zone_files([zone([{"name": "mx", "type": "A", "value": "192.0.2.25"}]), other])[1]
    lines = [" ".join(line.split()) for line in rendered["body"].splitlines()]
    assert "example.net. IN MX 10 mx.example.test." in lines
    assert "example.net. IN MX 20 mx.example.org." in lines


def test_target_below_a_delegation_is_not_checked():
    # mx.sub.example.test lives in the delegated zone: its address is not
    # this zone's to have, and the MX is rendered as given.
    [rendered] = zone_files(
        [
            zone(
                [
                    {"name": "sub", "type": "NS", "value": "ns1"},
                    {"type": "MX", "priority": 10, "value": "mx.sub.example.test"},
                ]
            )
        ]
    )
    lines = [" ".join(line.split()) for line in rendered["body"].splitlines()]
    assert "sub.example.test. IN NS ns1.example.test." in lines
    assert "example.test. IN MX 10 mx.sub.example.test." in lines
    assert not any(line.startswith("mx.sub.example.test.") for line in lines)


def test_delegation_needs_glue_for_a_name_server_inside_it():
    with pytest.raises(
        ZoneError,
        match=r"NS target ns.sub.example.test. is inside the delegated zone sub.example.test. and needs a glue",
    ):
        zone_files([zone([{"name": "sub", "type": "NS", "value": "ns.sub.example.test"}])])
    [rendered] = zone_files(
        [
            zone(
                [
                    {"name": "sub", "type": "NS", "value": "ns.sub.example.test"},
                    {"name": "ns.sub", "type": "A", "value": "192.0.2.53"},
                ]
            )
        ]
    )
    lines = [" ".join(line.split()) for line in rendered["body"].splitlines()]
    assert "sub.example.test. IN NS ns.sub.example.test." in lines
    assert "ns.sub.example.test. IN A 192.0.2.53" in lines


@pytest.mark.parametrize(
    "record",
    [
        {"type": "MX", "priority": 10, "value": "192.0.2.25"},
        {"name": "sub", "type": "NS", "value": "2001:db8::53"},
        {"name": "www", "type": "CNAME", "value": "192.0.2.80."},
    ],
)
def test_ip_address_as_target_refused(record):
    with pytest.raises(ZoneError, match="is an IP address; give the name of a host"):
        zone_files([zone([record])])


def test_ns_needs_glue_in_zone():
    with pytest.raises(ZoneError, match=r"NS target ns3.example.test. has no A or AAAA"):
        zone_files([zone(ns=[*NS, "ns3"])])


def test_zone_level_errors():
    with pytest.raises(ZoneError, match="no name servers"):
        zone_files([{"name": "example.test", "records": []}])
    with pytest.raises(ZoneError, match="given twice"):
        zone_files([zone(), zone()])
    with pytest.raises(ZoneError, match=r"unknown key\(s\) recrods"):
        zone_files([zone(recrods=[])])
    with pytest.raises(ZoneError, match=r"name .or reverse, a network. is missing"):
        zone_files([{"ns": NS}])


# --- DNSBL ---------------------------------------------------------------------


def dnsbl(entries, **extra):
    spec = {"entries": entries}
    spec.update(extra)
    return {(r.owner, r.type): r.rdata for r in dnsbl_records("bl.test.", spec)}


def test_dnsbl_addresses_codes_reasons_and_test_entries():
    records = dnsbl(
        ["192.0.2.99", {"address": "2001:db8::99", "code": ["127.0.0.4"], "reason": "v6 spam"}], reason="Listed here"
    )
    assert records[("99.2.0.192.bl.test.", "A")] == "127.0.0.2"
    assert records[("99.2.0.192.bl.test.", "TXT")] == '"Listed here"'
    v6 = "9.9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test."
    assert records[(v6, "A")] == "127.0.0.4"
    assert records[(v6, "TXT")] == '"v6 spam"'
    assert records[("2.0.0.127.bl.test.", "A")] == "127.0.0.2"
    assert ("2.0.0.0.0.0.f.7.f.f.f.f" + ".0" * 20 + ".bl.test.", "A") in records
    assert not any(owner.startswith("1.0.0.127.") for owner, _type in records)


def test_dnsbl_networks_become_wildcards():
    records = dnsbl(["198.51.100.0/24", "10.0.0.0/8", "192.0.2.0/23", "203.0.113.8/30"])
    assert records[("*.100.51.198.bl.test.", "A")] == "127.0.0.2"
    assert ("*.10.bl.test.", "A") in records
    assert ("*.2.0.192.bl.test.", "A") in records and ("*.3.0.192.bl.test.", "A") in records
    assert {owner for owner, _type in records if owner.endswith(".113.0.203.bl.test.")} == {
        f"{n}.113.0.203.bl.test." for n in (8, 9, 10, 11)
    }


def test_dnsbl_wildcards_for_empty_non_terminals():
    # 10.1.2.0/24 inside 10.0.0.0/8 makes 1.10 exist; it needs its own
    # wildcard, or 10.1.3.4 would not be listed.
    records = dnsbl(["10.0.0.0/8", {"address": "10.1.2.0/24", "reason": "narrow"}], reason="wide")
    assert records[("*.1.10.bl.test.", "TXT")] == '"wide"'
    assert records[("*.2.1.10.bl.test.", "TXT")] == '"narrow"'


@pytest.mark.parametrize(
    "entries, message",
    [
        (["192.0.2.300"], "is not an IP address or network"),
        (["64.0.0.0/4"], "wider than /8"),
        (["2001::/12"], "wider than /16"),
        (["127.0.0.0/24"], "contains 127.0.0.1, which a DNSBL must never list"),
        ([{"address": "192.0.2.1", "code": "127.0.0.1"}], "127.0.0.1 must never be a listing"),
        ([{"address": "192.0.2.1", "code": "192.0.2.2"}], "not in 127.0.0.0/8"),
        ([{"address": "192.0.2.1", "code": "127.255.255.254"}], "clients take for an error"),
        ([{"address": "192.0.2.1", "why": "x"}], r"unknown key\(s\) why"),
        (["192.0.2.1", {"address": "192.0.2.1", "reason": "other"}], "listed twice"),
    ],
)
def test_dnsbl_refused(entries, message):
    with pytest.raises(ZoneError, match=message):
        dnsbl(entries)


def test_dnsbl_duplicates_with_same_data_are_merged():
    assert dnsbl(["192.0.2.1", "192.0.2.1/32"]) == dnsbl(["192.0.2.1"])


# --- serials -------------------------------------------------------------------


def test_next_serial():
    digest = "sha256:" + "a" * 64
    other = "sha256:" + "b" * 64
    assert next_serial(None, digest, TODAY) == (2026052000, True)
    assert next_serial((2026052000, digest), digest, TODAY) == (2026052000, False)
    assert next_serial((2026052000, other), digest, TODAY) == (2026052001, True)
    assert next_serial((2026051907, other), digest, TODAY) == (2026052000, True)
    assert next_serial((2026052199, other), digest, TODAY) == (2026052200, True)
    assert next_serial((42, other), digest, TODAY) == (2026052000, True)
    # The same content keeps its serial even on a later day.
    assert next_serial((2020010100, digest), digest, TODAY) == (2020010100, False)
    with pytest.raises(ZoneError, match="does not fit in 32 bits"):
        next_serial((4294967295, other), digest, TODAY)


def test_header_round_trip():
    digest = "sha256:" + "c" * 64
    assert parse_header(header_line(2026052003, digest)) == (2026052003, digest)
    assert parse_header("; something else") is None
    assert parse_header(None) is None


def test_zone_serials_keep_and_bump():
    files = zone_files([zone()])
    first = zone_serials(files, {}, TODAY)[0]
    assert (first["serial"], first["changed"], first["previous_serial"]) == (2026052000, True, None)
    assert "2026052000 ; serial" in first["content"]
    assert SERIAL_PLACEHOLDER not in first["content"]
    header = first["content"].splitlines()[1]
    grep = [f"/etc/bind/mailops/db.example.test:{header}", "/etc/bind/mailops/db.other:junk"]
    headers = parse_grep_headers(grep)
    assert headers == {"db.example.test": header}
    # Same content, next day: same serial, same file.
    again = zone_serials(files, headers, TODAY + datetime.timedelta(days=1))[0]
    assert (again["serial"], again["changed"], again["content"]) == (2026052000, False, first["content"])
    # New content the same day: +1.
    changed = zone_serials(zone_files([zone([{"name": "www", "type": "A", "value": "192.0.2.80"}])]), headers, TODAY)[0]
    assert (changed["serial"], changed["changed"], changed["previous_serial"]) == (2026052001, True, 2026052000)


def test_a_zone_file_without_the_header_keeps_its_serial_as_the_floor():
    files = zone_files([zone()])
    floors = parse_floors(["/etc/bind/mailops/db.example.test 2030010105", "junk", "/x/db.other notanumber"])
    assert floors == {"db.example.test": 2030010105}
    first = zone_serials(files, {}, TODAY, floors)[0]
    assert (first["serial"], first["changed"], first["previous_serial"]) == (2030010106, True, 2030010105)
    # An old serial below today's: today's wins.
    low = zone_serials(files, {}, TODAY, {"db.example.test": 7})[0]
    assert low["serial"] == 2026052000
    # Once the role's header is there, the floor is no longer read.
    header = first["content"].splitlines()[1]
    again = zone_serials(files, {"db.example.test": header}, TODAY, floors)[0]
    assert (again["serial"], again["changed"]) == (2030010106, False)


def test_content_hash_ignores_the_serial_but_not_the_data():
    one = zone_files([zone()])[0]
    two = zone_files([zone()])[0]
    assert one["hash"] == two["hash"]
    assert zone_files([zone(ttl=60)])[0]["hash"] != one["hash"]


def test_parse_today():
    assert parse_today("20260520") == TODAY
    assert parse_today("2026-05-20") == TODAY
    assert isinstance(parse_today(None), datetime.date)
    with pytest.raises(ZoneError):
        parse_today("yesterday")


# --- server settings ------------------------------------------------------------


def test_check_addresses():
    assert check_addresses(["192.0.2.1", "2001:DB8::1", "192.0.2.1"], "dns_zones_secondaries") == [
        "192.0.2.1",
        "2001:db8::1",
    ]
    with pytest.raises(ZoneError, match=r"dns_zones_primaries: '192.0.2.0/24' is not an IP address"):
        check_addresses(["192.0.2.0/24"], "dns_zones_primaries")


SECRET32 = "bWFpbG9wcy1wb3N0Zml4LWRucy16b25lcy10ZXN0LWtleQ=="  # 34 bytes


def test_check_tsig_key():
    key = check_tsig_key({"name": "Xfr", "secret": SECRET32})
    assert key == {"name": "xfr", "algorithm": "hmac-sha256", "secret": SECRET32}
    assert check_tsig_key({}) is None
    with pytest.raises(ZoneError, match="not valid base64"):
        check_tsig_key({"name": "xfr", "secret": "not base64!"})
    with pytest.raises(ZoneError, match="algorithm 'hmac-sha3'"):
        check_tsig_key({"name": "xfr", "algorithm": "hmac-sha3", "secret": SECRET32})


@pytest.mark.parametrize("algorithm", ["hmac-md5", "hmac-sha1", "HMAC-SHA224"])
def test_weak_tsig_algorithms_are_refused(algorithm):
    with pytest.raises(
        ZoneError,
        match=r"dns_zones_tsig_key: algorithm hmac-sha(1|224) is weaker than hmac-sha256|algorithm hmac-md5 is weaker",
    ):
        check_tsig_key({"name": "xfr", "algorithm": algorithm, "secret": SECRET32})


@pytest.mark.parametrize("algorithm, secret", [("hmac-sha256", "c2VjcmV0"), ("hmac-sha512", SECRET32)])
def test_short_tsig_secrets_are_refused(algorithm, secret):
    with pytest.raises(ZoneError, match=f"shorter than the (32|64) bytes that {algorithm} needs"):
        check_tsig_key({"name": "xfr", "algorithm": algorithm, "secret": secret})
