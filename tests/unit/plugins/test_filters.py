# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.filter.postfix_networks import postfix_networks
from ansible_collections.mailops.postfix.plugins.filter.restriction_entries import restriction_entries


def test_networks_are_normalised_and_deduplicated():
    assert postfix_networks(["127.0.0.1", "10.1.2.3/8", "::1", "[2001:db8::1]/32", "10.0.0.0/8"], "v") == [
        "127.0.0.1/32", "10.0.0.0/8", "[::1]/128", "[2001:db8::]/32"]


@pytest.mark.parametrize("bad, message", [
    ("10.0.0.300/8", "postfix_mynetworks: '10.0.0.300/8' is not an IP address or network"),
    ("0.0.0.0/0", "open relay"),
    ("::/0", "open relay"),
    ("", "is not an IP address"),
])
def test_bad_networks_name_the_variable(bad, message):
    with pytest.raises(AnsibleFilterError, match=message):
        postfix_networks([bad], "postfix_mynetworks")


def test_restriction_entries():
    assert restriction_entries(["dnsbl.test"], "reject_rbl_client", 500) == [
        {"name": "reject_rbl_client dnsbl.test", "order": 500, "value": "reject_rbl_client dnsbl.test"}]


FILTERS = ["dns_addresses", "dns_tsig_key", "dns_zone_files", "dns_zone_serials", "postfix_networks", "restriction_entries"]


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
    with pytest.raises(AnsibleFilterError, match="dns_zones_primaries: '192.0.2.0/24' is not an IP address"):
        dns_addresses(["192.0.2.0/24"], "dns_zones_primaries")
    with pytest.raises(AnsibleFilterError, match="dns_zones_tsig_key: secret is not valid base64"):
        dns_tsig_key({"name": "xfr.example", "secret": "not base64!"})
