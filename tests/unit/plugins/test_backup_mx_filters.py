# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._backup_mx import (
    backup_mx_problems,
    backup_mx_recipients,
    expand_mydestination,
)

ROOT = Path(__file__).resolve().parents[3]
POSTFIX_DEFAULTS = yaml.safe_load((ROOT / "roles/postfix/defaults/main.yml").read_text())
DOMAINS = ["Example.test", "example.test", "other.test"]


def test_given_recipients_are_lowered_deduplicated_and_sorted():
    assert backup_mx_recipients(["Bob@Example.test", "@other.test", "bob@example.test"], DOMAINS) == [
        "@other.test",
        "bob@example.test",
    ]


def test_no_primary_host_means_nothing_from_the_primary():
    primary = {"backup_mx_recipients": ["carol@example.test"]}
    assert backup_mx_recipients([], DOMAINS, primary, "") == []


def test_the_primary_gives_its_listed_and_virtual_addresses_in_the_relayed_domains():
    primary = {
        "backup_mx_recipients": ["Carol@example.test", "dave@elsewhere.test"],
        "postfix_virtual_aliases": {"info@other.test": "carol", "@Other.test": "carol", "x@elsewhere.test": "y"},
        "postfix_mydestination": ["localhost"],
    }
    assert backup_mx_recipients([], DOMAINS, primary, "mx1", POSTFIX_DEFAULTS) == [
        "@other.test",
        "carol@example.test",
        "info@other.test",
    ]


def test_the_postfix_roles_default_aliases_at_the_domains_the_primary_delivers():
    # mx1.example.test: $mydomain is example.test, which the default
    # mydestination does not hold; mydestination given with $mydomain does.
    primary = {"postfix_mydestination": ["$myhostname", "${mydomain}", "localhost"]}
    assert backup_mx_recipients([], DOMAINS, primary, "mx1.example.test", POSTFIX_DEFAULTS) == [
        "abuse@example.test",
        "mailer-daemon@example.test",
        "postmaster@example.test",
    ]
    assert backup_mx_recipients([], DOMAINS, {}, "mx1.example.test", POSTFIX_DEFAULTS) == []


def test_the_primarys_own_aliases_and_names_win_over_the_defaults():
    primary = {
        "postfix_myhostname": "Mail.Other.test",
        "postfix_mydomain": "other.test",
        "postfix_mydestination": ["$mydomain"],
        "postfix_aliases": {"Sales": "root", "bad alias": "root"},
    }
    assert backup_mx_recipients([], DOMAINS, primary, "mx1", POSTFIX_DEFAULTS) == ["sales@other.test"]


def test_mydestination_is_expanded():
    assert expand_mydestination(["$myhostname", "localhost.${mydomain}"], "MX.example.test", "example.test") == [
        "mx.example.test",
        "localhost.example.test",
    ]


GOOD = {
    "backup_mx_domains": ["example.test"],
    "backup_mx_recipients": ["bob@example.test"],
    "backup_mx_primary_host": "mx1",
    "backup_mx_transport": "",
    "backup_mx_maximal_queue_lifetime": "10d",
    "backup_mx_bounce_queue_lifetime": "240h",
    "postfix_mydestination": ["$myhostname", "localhost.$mydomain", "localhost"],
    "postfix_myhostname": "mx2.example.test",
    "postfix_mydomain": "example.test",
    "postfix_virtual_alias_domains": [],
    "postfix_virtual_aliases": {},
}


def problems(recipients=("bob@example.test",), hostname="mx2", hosts=("mx1", "mx2"), **changes):
    return backup_mx_problems(dict(GOOD, **changes), list(recipients), hostname, None if hosts is None else list(hosts))


def test_good_settings_have_no_problem():
    assert problems() == []
    assert (
        problems(hosts=None, backup_mx_bounce_queue_lifetime="10d", backup_mx_transport="smtp:[mx1.example.test]:25")
        == []
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"backup_mx_domains": []}, "backup_mx_domains is empty: list the primary's domains"),
        ({"backup_mx_domains": ["example.test", "bad domain"]}, "backup_mx_domains: 'bad domain' is not a domain name"),
        (
            {"backup_mx_domains": ["example.test", "MX2.example.test"]},
            "backup_mx_domains: mx2.example.test in postfix_mydestination (expanded: mx2.example.test, localhost.example.test,"
            " localhost); a backup MX must not deliver the primary's mail itself",
        ),
        (
            {"postfix_virtual_alias_domains": ["Example.test"]},
            "backup_mx_domains: example.test in postfix_virtual_alias_domains;",
        ),
        (
            {"postfix_virtual_aliases": {"info@example.test": "root", "info@else.test": "root"}},
            "backup_mx_domains: keys of postfix_virtual_aliases in them: info@example.test;",
        ),
        ({"backup_mx_primary_host": "mx2"}, "backup_mx_primary_host: 'mx2' is this host itself;"),
        ({"backup_mx_primary_host": "mx9"}, "backup_mx_primary_host: 'mx9' is not a host of the inventory;"),
        (
            {"backup_mx_recipients": ["bob@example.test", "eve@elsewhere.test"]},
            "backup_mx_recipients: eve@elsewhere.test is not an address (or @domain) in backup_mx_domains (example.test)",
        ),
        (
            {"backup_mx_recipients": ["a@b@example.test", "c d@example.test"]},
            "backup_mx_recipients: a@b@example.test, c d@example.test are not an address",
        ),
        (
            {"backup_mx_domains": ["example.test", "example.org"]},
            "backup_mx_recipients: no valid recipient for example.org, so all its mail would be refused;"
            ' list its addresses in backup_mx_recipients (or "@domain" to accept any), or set backup_mx_primary_host'
            " to take them from the primary (mx1 gave none for it)",
        ),
        (
            {"backup_mx_transport": "smtp:[mx1.example.test]25"},
            "backup_mx_transport: 'smtp:[mx1.example.test]25' is not a next hop of the form transport:[host]:port",
        ),
        (
            {"backup_mx_maximal_queue_lifetime": "10 days"},
            "backup_mx_maximal_queue_lifetime: '10 days' is not a Postfix time",
        ),
        ({"backup_mx_bounce_queue_lifetime": "5y"}, "backup_mx_bounce_queue_lifetime: '5y' is not a Postfix time"),
        (
            {"backup_mx_bounce_queue_lifetime": "3w"},
            "backup_mx_bounce_queue_lifetime (3w) must be no longer than backup_mx_maximal_queue_lifetime (10d)",
        ),
    ],
)
def test_each_problem_names_the_variable_and_the_value(changes, message):
    # the first message is the cause; a bad domain also leaves it without recipients
    found = problems(**changes)
    assert found, changes
    assert found[0].startswith(message), found


def test_a_domain_without_recipients_is_found_without_a_primary():
    found = problems(recipients=[], backup_mx_primary_host="")
    assert found == [
        "backup_mx_recipients: no valid recipient for example.test, so all its mail would be refused;"
        ' list its addresses in backup_mx_recipients (or "@domain" to accept any), or set backup_mx_primary_host'
        " to take them from the primary"
    ]


def test_wrong_types_are_refused():
    with pytest.raises(AnsibleFilterError, match="backup_mx_domains: expected a list, got str"):
        problems(backup_mx_domains="example.test")
    with pytest.raises(AnsibleFilterError, match="postfix_virtual_aliases: expected a mapping, got list"):
        problems(postfix_virtual_aliases=["a"])
    with pytest.raises(AnsibleFilterError, match="expected the settings as a mapping"):
        backup_mx_problems([])
