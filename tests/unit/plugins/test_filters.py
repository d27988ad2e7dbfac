# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.filter.postfix_networks import postfix_networks
from ansible_collections.mailops.postfix.plugins.filter.restriction_entries import restriction_entries
from ansible_collections.mailops.postfix.plugins.filter.missing_packages import missing_packages


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


def test_missing_packages_keeps_the_order_asked():
    lines = ["ii postfix", "rc postgrey", "iU bind9", "iiRclamav", "ii libsasl2-modules:amd64"]
    wanted = ["postgrey", "postfix", "bind9", "clamav", "libsasl2-modules", "python3-apt", "postgrey"]
    assert missing_packages(wanted, lines) == ["postgrey", "bind9", "clamav", "python3-apt"]


def test_nothing_missing():
    assert missing_packages(["postfix"], ["ii postfix"]) == []
