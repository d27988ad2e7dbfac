# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._mail_auth import (
    dkim_keys,
    dkim_problems,
    dkim_record,
    dkim_records,
    dmarc_value,
    mail_auth_records,
    mail_auth_report,
    spf_value,
)

PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\nAQ8AMIIBCgKCAQEAlqCZ+/==\n-----END PUBLIC KEY-----\n"
S1 = {"domain": "Example.TEST", "selector": "s1"}
S2 = {"domain": "example.test", "selector": "s2"}


def test_good_keys_have_no_problems():
    assert dkim_problems([S1, S2], {"example.test": "s1"}, 2048) == []


@pytest.mark.parametrize(
    ("keys", "signing", "bits", "expected"),
    [
        ([{"domain": "example.test", "selector": "s1", "bits": 512}], {}, 2048, "bits 512 refused"),
        ([S1], {}, 768, "dkim_key_bits: 768 refused"),
        ([S1], {}, "x", "dkim_key_bits: x refused"),
        ([{"domain": "example.test", "selector": "s_1"}], {}, 2048, "selector 's_1' is not a DNS label"),
        ([{"domain": "example.test", "selector": "a.b"}], {}, 2048, "selector 'a.b' is not a DNS label"),
        ([{"domain": "example.test", "selector": "-a"}], {}, 2048, "is not a DNS label"),
        ([{"domain": "localhost", "selector": "s1"}], {}, 2048, "domain 'localhost' is not a domain name"),
        ([S1, S1], {}, 2048, "listed twice"),
        ([{**S1, "state": "gone"}], {}, 2048, "state 'gone' is not one of"),
        ([{**S1, "size": 1}], {}, 2048, "unknown key(s) size"),
        (
            [S1],
            {"example.org": "s1"},
            2048,
            "dkim_signing: example.org would sign with selector s1, but dkim_keys has no key",
        ),
        ([{**S1, "state": "revoked"}], {"example.test": "s1"}, 2048, "no key"),
        ("s1", {}, 2048, "dkim_keys: expected a list"),
        ([S1], ["s1"], 2048, "dkim_signing: expected a dict"),
    ],
)
def test_bad_input_is_named(keys, signing, bits, expected):
    problems = dkim_problems(keys, signing, bits)
    assert any(expected in problem for problem in problems), problems


def test_last_present_key_signs_unless_named():
    keys = dkim_keys([S1, S2, {"domain": "example.org", "selector": "old", "state": "revoked"}])
    assert [(k["domain"], k["selector"], k["signing"]) for k in keys] == [
        ("example.test", "s1", False),
        ("example.test", "s2", True),
        ("example.org", "old", False),
    ]
    assert keys[0]["file"] == "/etc/dkimkeys/example.test.s1.private"
    assert keys[0]["name"] == "s1._domainkey.example.test"
    assert keys[0]["bits"] == 2048
    named = dkim_keys([S1, S2], {"example.test": "s1"}, 1024)
    assert [k["signing"] for k in named] == [True, False]
    assert named[0]["bits"] == 1024


def test_keys_filter_fails_on_bad_input():
    with pytest.raises(AnsibleFilterError, match="bits 100 refused"):
        dkim_keys([{**S1, "bits": 100}])


def test_record_from_pem_and_revoked():
    assert dkim_record(PEM) == "v=DKIM1; h=sha256; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlqCZ+/=="
    assert dkim_record("", "revoked") == "v=DKIM1; p="
    with pytest.raises(AnsibleFilterError, match="PEM"):
        dkim_record("not a key")


def test_records_fact_leaves_out_absent_and_unknown():
    keys = dkim_keys(
        [
            S1,
            S2,
            {"domain": "example.test", "selector": "s0", "state": "revoked"},
            {**S1, "selector": "gone", "state": "absent"},
        ]
    )
    records = dkim_records(keys, {"/etc/dkimkeys/example.test.s2.private": PEM})
    assert [(r["selector"], r["state"], r["signing"]) for r in records] == [
        ("s2", "present", True),
        ("s0", "revoked", False),
    ]
    assert records[1]["value"] == "v=DKIM1; p="


def test_spf():
    assert spf_value({}) == "v=spf1 mx -all"
    assert (
        spf_value(
            {
                "mx": False,
                "a": ["relay.example.test"],
                "ip": ["192.0.2.7", "2001:db8::/32"],
                "include": ["spf.example.net"],
                "all": "~all",
            }
        )
        == "v=spf1 a:relay.example.test ip4:192.0.2.7 ip6:2001:db8::/32 include:spf.example.net ~all"
    )
    with pytest.raises(AnsibleFilterError, match="RFC 7208 allows 10"):
        spf_value({"include": [f"i{n}.example.net" for n in range(10)]})
    with pytest.raises(AnsibleFilterError, match="every host"):
        spf_value({"ip": ["0.0.0.0/0"]})
    with pytest.raises(AnsibleFilterError, match=r"spf\.all"):
        spf_value({"all": "+all"})


def test_dmarc():
    assert dmarc_value({"p": "reject", "rua": ["mailto:d@example.test"], "adkim": "s", "pct": 50}) == (
        "v=DMARC1; p=reject; adkim=s; pct=50; rua=mailto:d@example.test"
    )
    with pytest.raises(AnsibleFilterError, match=r"dmarc\.p"):
        dmarc_value({})
    with pytest.raises(AnsibleFilterError, match="report address"):
        dmarc_value({"p": "none", "rua": ["d@example.test"]})


ZONES = [
    {"name": "example.test", "ns": ["ns"], "records": [{"name": "@", "type": "MX", "priority": 10, "value": "mx"}]}
]
FACT = [{"domain": "example.test", "selector": "s1", "value": "v=DKIM1; p=AAA", "state": "present"}]


def test_records_added_to_the_zone():
    zones = mail_auth_records(
        ZONES,
        [
            {
                "domain": "example.test",
                "spf": {},
                "dmarc": {"p": "none"},
                "mta_sts": {"id": "20261130"},
                "tls_rpt": {"rua": "mailto:t@example.test"},
            }
        ],
        {"relay": FACT, "mx": []},
    )
    added = zones[0]["records"][1:]
    assert added == [
        {"name": "s1._domainkey.example.test.", "type": "TXT", "value": "v=DKIM1; p=AAA"},
        {"name": "example.test.", "type": "TXT", "value": "v=spf1 mx -all"},
        {"name": "_dmarc.example.test.", "type": "TXT", "value": "v=DMARC1; p=none"},
        {"name": "_mta-sts.example.test.", "type": "TXT", "value": "v=STSv1; id=20261130"},
        {"name": "_smtp._tls.example.test.", "type": "TXT", "value": "v=TLSRPTv1; rua=mailto:t@example.test"},
    ]
    assert len(ZONES[0]["records"]) == 1  # the input is not changed


def test_records_refused():
    with pytest.raises(AnsibleFilterError, match=r"example\.org is in no zone"):
        mail_auth_records(ZONES, [{"domain": "example.org"}])
    spf_zone = [{**ZONES[0], "records": [{"name": "@", "type": "TXT", "value": "v=spf1 -all"}]}]
    with pytest.raises(AnsibleFilterError, match=r"already has a v=spf1 record"):
        mail_auth_records(spf_zone, [{"domain": "example.test", "spf": {}}])
    other = [{**FACT[0], "value": "v=DKIM1; p=BBB"}]
    with pytest.raises(AnsibleFilterError, match="two hosts publish different keys"):
        mail_auth_records(ZONES, [{"domain": "example.test"}], [FACT, other])
    with pytest.raises(AnsibleFilterError, match=r"dns_zones_mail_domains\[0\].*mta_sts.id"):
        mail_auth_records(ZONES, [{"domain": "example.test", "mta_sts": {"id": "a-b"}}])


def test_report_splits_long_values():
    long = {**FACT[0], "value": "v=DKIM1; k=rsa; p=" + "A" * 380}
    lines = mail_auth_report([{"domain": "example.test", "spf": {"all": "~all"}}], [[long]], 300)
    assert lines[0].startswith('s1._domainkey.example.test. 300 IN TXT "v=DKIM1; k=rsa; p=AAA')
    assert [len(s) for s in lines[0].split(" IN TXT ")[1].strip('"').split('" "')] == [255, 143]
    assert lines[1] == 'example.test. 300 IN TXT "v=spf1 mx ~all"'
    # a domain of the DKIM records that is not listed is reported too
    assert mail_auth_report([], [FACT]) == ['s1._domainkey.example.test. 3600 IN TXT "v=DKIM1; p=AAA"']
