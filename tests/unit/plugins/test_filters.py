# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.filter.dnsbl_reply_filter import dnsbl_reply_filter
from ansible_collections.mailops.postfix.plugins.filter.missing_packages import missing_packages
from ansible_collections.mailops.postfix.plugins.filter.postfix_networks import postfix_networks
from ansible_collections.mailops.postfix.plugins.filter.restriction_entries import restriction_entries


def test_networks_are_normalised_and_deduplicated():
    assert postfix_networks(["127.0.0.1", "10.0.0.0/8", "::1", "[2001:db8::]/32", "10.0.0.0/8"], "v") == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "[::1]/128",
        "[2001:db8::]/32",
    ]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("10.0.0.300/8", "postfix_mynetworks: '10.0.0.300/8' is not an IP address or network"),
        ("0.0.0.0/0", "open relay"),
        ("::/0", "open relay"),
        ("", "is not an IP address"),
        (
            "192.168.1.7/16",
            "postfix_mynetworks: '192.168.1.7/16' has host bits set; write the network (192.168.0.0/16) or the single host (192.168.1.7)",
        ),
        ("[2001:db8::1]/32", "has host bits set"),
    ],
)
def test_bad_networks_name_the_variable(bad, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        postfix_networks([bad], "postfix_mynetworks")


@pytest.mark.parametrize(
    "bad, message",
    [
        ("0.0.0.0/1", "'0.0.0.0/1' is a network broader than /8"),
        ("128.0.0.0/1", "broader than /8"),
        ("2000::/3", "'2000::/3' is a network broader than /32"),
        ("198.51.0.0/16", "a public network broader than /24"),
        ("[2001:db9::]/40", "a public network broader than /48"),
    ],
)
def test_broad_networks_need_an_acknowledgement(bad, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        postfix_networks([bad], "postfix_mynetworks", [])
    rendered = postfix_networks([bad], "postfix_mynetworks")
    assert postfix_networks([bad], "postfix_mynetworks", rendered) == rendered
    assert (
        postfix_networks([bad], "postfix_mynetworks", [{"entry": rendered[0], "parameter": "mynetworks"}]) == rendered
    )
    with pytest.raises(AnsibleFilterError):
        postfix_networks([bad], "postfix_mynetworks", [{"entry": rendered[0], "parameter": "smtpd_relay_restrictions"}])


def test_private_and_local_networks_pass_the_bounds():
    assert postfix_networks(["10.0.0.0/8", "172.16.0.0/12", "fe80::/10", "::1", "198.51.100.0/24"], "v", []) == [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "[fe80::]/10",
        "[::1]/128",
        "198.51.100.0/24",
    ]


def test_restriction_entries():
    assert restriction_entries(["dnsbl.test"], "reject_rbl_client", 500) == [
        {"name": "reject_rbl_client dnsbl.test", "order": 500, "value": "reject_rbl_client dnsbl.test"}
    ]
    # without an order, the assembler takes it from the registry (module_utils/_restrictions.py)
    assert restriction_entries(["dnsbl.test"], "reject_rbl_client") == [
        {"name": "reject_rbl_client dnsbl.test", "value": "reject_rbl_client dnsbl.test"}
    ]


FILTERS = [
    "dns_addresses",
    "dns_tsig_key",
    "dns_zone_files",
    "dns_zone_serials",
    "dnsbl_reply_filter",
    "missing_packages",
    "postfix_networks",
    "restriction_entries",
    "smarthost_relays",
    "smarthost_relay_problems",
    "smarthost_sasl_table",
    "smarthost_sender_logins",
    "smarthost_user_problems",
]


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_file_holds_its_own_filter_only(name):
    # One file, one filter, one documentation: what ansible-doc -t filter and
    # Galaxy's importer show for NAME is the page of NAME.
    import importlib

    plugin = importlib.import_module(f"ansible_collections.mailops.postfix.plugins.filter.{name}")
    assert list(plugin.FilterModule().filters()) == [name]
    assert f"\nname: {name}\n" in plugin.DOCUMENTATION


def test_dns_filters_name_the_variable():
    from ansible_collections.mailops.postfix.plugins.filter.dns_addresses import dns_addresses
    from ansible_collections.mailops.postfix.plugins.filter.dns_tsig_key import dns_tsig_key

    assert dns_addresses(["192.0.2.1", "2001:DB8::1", "192.0.2.1"], "v") == ["192.0.2.1", "2001:db8::1"]
    with pytest.raises(AnsibleFilterError, match=r"dns_zones_primaries: '192.0.2.0/24' is not an IP address"):
        dns_addresses(["192.0.2.0/24"], "dns_zones_primaries")
    with pytest.raises(AnsibleFilterError, match="dns_zones_tsig_key: secret is not valid base64"):
        dns_tsig_key({"name": "xfr.example", "secret": "not base64!"})


def test_dnsbl_zones_without_a_filter_get_one():
    assert dnsbl_reply_filter(["bl.example.test", "zen.test=127.0.0.[2;4;10]", "x.test=127.0.1.[1..20]"]) == [
        "bl.example.test=127.0.0.[2..255]",
        "zen.test=127.0.0.[2;4;10]",
        "x.test=127.0.1.[1..20]",
    ]


@pytest.mark.parametrize(
    "zone, message",
    [
        ("bl.test=127.255.255.[1..255]", "takes in 127.255.255.x"),
        ("bl.test=127.[0..255].[0..255].[2..255]", "takes in 127.255.255.x"),
        ("bl.test=127.0.0.[1..11]", "takes in 127.0.0.1"),
        ("bl.test=10.0.0.2", "127.x.x.x answers only"),
        ("bl.test=127.0.0", "four octets"),
        ("bl.test=127.0.0.[2..300]", "outside 0..255"),
        ("bl.test=", "four octets"),
        ("=127.0.0.2", "no zone"),
        ("bl test", "is not a DNSBL zone"),
    ],
)
def test_bad_dnsbl_filters_name_the_variable(zone, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)) as err:
        dnsbl_reply_filter([zone])
    assert "postfix_dnsbl" in str(err.value)


def test_missing_packages_keeps_the_order_asked():
    lines = ["ii postfix", "rc postgrey", "iU bind9", "iiRclamav", "ii libsasl2-modules:amd64"]
    wanted = ["postgrey", "postfix", "bind9", "clamav", "libsasl2-modules", "python3-apt", "postgrey"]
    assert missing_packages(wanted, lines) == ["postgrey", "bind9", "clamav", "python3-apt"]


def test_nothing_missing():
    assert missing_packages(["postfix"], ["ii postfix"]) == []


def test_dnsbl_weights_are_kept_for_postscreen_and_dropped_for_reject_rbl_client():
    zones = ["bl.test*3", "low.test=127.0.0.[2;4]*1", "allow.test=127.0.[0..15].[2..255]*-2", "plain.test"]
    assert dnsbl_reply_filter(zones, "postfix_dnsbl", "postscreen") == [
        "bl.test=127.0.0.[2..255]*3",
        "low.test=127.0.0.[2;4]*1",
        "allow.test=127.0.[0..15].[2..255]*-2",
        "plain.test=127.0.0.[2..255]",
    ]
    # reject_rbl_client knows no weights, and an allowlist is no blocklist.
    assert dnsbl_reply_filter(zones) == [
        "bl.test=127.0.0.[2..255]",
        "low.test=127.0.0.[2;4]",
        "plain.test=127.0.0.[2..255]",
    ]


@pytest.mark.parametrize(
    "zone, message",
    [
        ("bl.test*0", "weight 0"),
        ("bl.test=127.255.255.[1..255]*3", "takes in 127.255.255.x"),
        ("bl.test*x", "not a whole number"),
    ],
)
def test_bad_dnsbl_weights_name_the_variable(zone, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)) as err:
        dnsbl_reply_filter([zone], "postfix_dnsbl", "postscreen")
    assert "postfix_dnsbl" in str(err.value)
