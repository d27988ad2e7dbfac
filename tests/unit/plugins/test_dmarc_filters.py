# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._dmarc import dmarc_hosts, dmarc_problems

GOOD = {
    "dmarc_authserv_id": "mx1.example.test",
    "dmarc_trusted_authserv_ids": ["mx2.example.test"],
    "dmarc_ignore_hosts": ["10.231.25.20", "198.51.100.0/24", "2001:db8::/32"],
    "postfix_mynetworks": ["127.0.0.0/8", "[::1]/128"],
    "dmarc_spf_restriction_order": 550,
    "dmarc_spf_time_limit": 3600,
}


def problems(**changes):
    return dmarc_problems({**GOOD, **changes})


def test_good_settings_have_no_problem():
    assert problems() == []


@pytest.mark.parametrize(
    "changes, start",
    [
        ({"dmarc_authserv_id": "mx1 example"}, "dmarc_authserv_id: 'mx1 example' is not a domain name"),
        ({"dmarc_authserv_id": "mx1.example.test;"}, "dmarc_authserv_id:"),
        ({"dmarc_authserv_id": ""}, "dmarc_authserv_id:"),
        ({"dmarc_trusted_authserv_ids": ["ok.test", "bad id"]}, "dmarc_trusted_authserv_ids: ['bad id']"),
        ({"dmarc_trusted_authserv_ids": "mx2.example.test"}, "dmarc_trusted_authserv_ids: must be a list"),
        ({"dmarc_ignore_hosts": ["mx2.example.test"]}, "dmarc_ignore_hosts: 'mx2.example.test' is not an IPv4"),
        ({"dmarc_ignore_hosts": ["192.168.1.7/16"]}, "dmarc_ignore_hosts: '192.168.1.7/16' is not an IPv4"),
        ({"dmarc_ignore_hosts": ["0.0.0.0/0"]}, "dmarc_ignore_hosts: '0.0.0.0/0' covers every address"),
        ({"dmarc_ignore_hosts": ["::/0"]}, "dmarc_ignore_hosts: '::/0' covers every address"),
        ({"postfix_mynetworks": ["[::]/0"]}, "postfix_mynetworks: '[::]/0' covers every address"),
        ({"dmarc_spf_restriction_order": 300}, "dmarc_spf_restriction_order: 300 must be a number above 300"),
        ({"dmarc_spf_restriction_order": "soon"}, "dmarc_spf_restriction_order: 'soon'"),
        ({"dmarc_spf_time_limit": 5}, "dmarc_spf_time_limit: 5 must be a whole number"),
    ],
)
def test_each_problem_names_its_variable(changes, start):
    found = problems(**changes)
    assert len(found) == 1, found
    assert found[0].startswith(start), found[0]


def test_problems_need_a_mapping():
    with pytest.raises(AnsibleFilterError, match="mapping"):
        dmarc_problems(["dmarc_authserv_id"])


def test_hosts_join_lists_in_plain_cidr_without_duplicates():
    assert dmarc_hosts(["127.0.0.0/8", "[::1]/128", "[2001:db8::]/32"], ["10.231.25.20", "127.0.0.0/8"], None) == [
        "127.0.0.0/8",
        "::1/128",
        "2001:db8::/32",
        "10.231.25.20/32",
    ]


def test_hosts_refuse_a_name():
    with pytest.raises(AnsibleFilterError, match=r"'mx2\.example\.test' is not an address"):
        dmarc_hosts(["mx2.example.test"])
