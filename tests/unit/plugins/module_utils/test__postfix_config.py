# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils._postfix_config import (
    ConfigError,
    check_relay_safety,
    merge_fragments,
    normalize_fragment,
    parse_main_cf,
    render_main_cf,
    render_master_cf,
    restart_required,
)

BASE = {
    "name": "postfix",
    "priority": 0,
    "defaults": {"biff": False, "smtpd_helo_required": True},
    "main": {"myhostname": "mx.example.test", "mydestination": ["$myhostname", "localhost"]},
    "lists": {
        "smtpd_relay_restrictions": [
            {"name": "mynetworks", "order": 100, "value": "permit_mynetworks"},
            {"name": "unauth_destination", "order": 900, "value": "reject_unauth_destination"},
        ],
    },
    "master": [{"service": "smtp", "type": "inet", "private": "n", "command": "smtpd"}],
}


def merged(*fragments):
    return merge_fragments(normalize_fragment(f, f["name"]) for f in fragments)


def test_defaults_are_overridden_and_booleans_rendered():
    result = merged(BASE, {"name": "tls", "main": {"biff": True}})
    assert result["main"]["biff"] == "yes"
    assert result["main"]["smtpd_helo_required"] == "yes"
    assert result["main"]["mydestination"] == "$myhostname, localhost"


def test_conflicting_fragments_name_both():
    with pytest.raises(ConfigError, match=r"fragments a and b both set main.cf parameter relayhost"):
        merged(BASE, {"name": "a", "main": {"relayhost": "[x]"}}, {"name": "b", "main": {"relayhost": "[y]"}})


def test_same_value_from_two_fragments_is_fine():
    result = merged(BASE, {"name": "a", "main": {"relayhost": "[x]"}}, {"name": "b", "main": {"relayhost": "[x]"}})
    assert result["main"]["relayhost"] == "[x]"


def test_override_wins():
    result = merged(
        BASE, {"name": "a", "main": {"relayhost": "[x]"}}, {"name": "user", "override": {"relayhost": "[z]"}}
    )
    assert result["main"]["relayhost"] == "[z]"


def test_lists_are_ordered_across_fragments_and_absent_removes():
    entry = {"name": "grey", "order": 600, "value": "check_policy_service inet:127.0.0.1:10023"}
    grey = {"name": "greylisting", "lists": {"smtpd_relay_restrictions": [entry]}, "acknowledge": [entry["value"]]}
    result = merged(BASE, grey)
    assert (
        result["main"]["smtpd_relay_restrictions"]
        == "permit_mynetworks, check_policy_service inet:127.0.0.1:10023, reject_unauth_destination"
    )
    gone = {"name": "zz", "lists": {"smtpd_relay_restrictions": [{"name": "grey", "state": "absent"}]}}
    result = merged(BASE, grey, gone)
    assert "check_policy_service" not in result["main"]["smtpd_relay_restrictions"]


def test_fragment_order_does_not_depend_on_input_order():
    a = {"name": "a", "priority": 20, "lists": {"x_list": [{"name": "one", "order": 1, "value": "one"}]}}
    b = {"name": "b", "priority": 10, "lists": {"x_list": [{"name": "two", "order": 2, "value": "two"}]}}
    assert merged(BASE, a, b)["main"] == merged(b, a, BASE)["main"]


@pytest.mark.parametrize("relay", ["permit, reject_unauth_destination", "permit_mynetworks"])
def test_open_relay_is_refused(relay):
    with pytest.raises(ConfigError, match="open relay"):
        check_relay_safety({"smtpd_relay_restrictions": relay})


def test_empty_relay_restrictions_fall_back_to_recipient_restrictions():
    check_relay_safety(
        {"smtpd_relay_restrictions": "", "smtpd_recipient_restrictions": "permit_mynetworks, reject_unauth_destination"}
    )
    with pytest.raises(ConfigError, match="smtpd_recipient_restrictions"):
        check_relay_safety({"smtpd_relay_restrictions": "", "smtpd_recipient_restrictions": "permit_mynetworks"})


@pytest.mark.parametrize("params", [{"mynetworks": "127.0.0.0/8, 0.0.0.0/0"}, {"allow_untrusted_routing": "yes"}])
def test_other_open_relays_are_refused(params):
    with pytest.raises(ConfigError):
        check_relay_safety(params)


def test_master_services_replace_and_remove():
    sub = {
        "name": "sub",
        "master": [
            {
                "service": "submission",
                "type": "inet",
                "private": "n",
                "command": "smtpd",
                "options": {"syslog_name": "postfix/submission"},
            }
        ],
    }
    result = merged(BASE, sub)
    text = render_master_cf(result["master"], "/etc/postfix/mailops.d")
    assert (
        "submission inet  n       -       -       -       -       smtpd\n  -o syslog_name=postfix/submission\n" in text
    )
    result = merged(BASE, sub, {"name": "zz", "master": [{"service": "submission", "type": "inet", "state": "absent"}]})
    assert [s["service"] for s in result["master"]] == ["smtp"]


@pytest.mark.parametrize(
    "fragment, message",
    [
        ({"name": "x", "main": {"bad name": 1}}, "invalid main.cf parameter name"),
        ({"name": "x", "main": {"-x": 1}}, "invalid main.cf parameter name"),
        ({"name": "x", "main": {"a": "b\nc"}}, "line break"),
        ({"name": "x", "main": {"a": "b\rc"}}, "line break"),
        ({"name": "x", "lists": {"l": [{"name": "n", "value": "v\nw"}]}}, "lists.l entry n has a line break"),
        ({"name": "x", "master": [{"service": "s", "type": "unix", "command": "c\nd"}]}, "command has a line break"),
        (
            {"name": "x", "master": [{"service": "s", "type": "unix", "command": "c", "maxproc": "1\n"}]},
            "column maxproc has a line break",
        ),
        (
            {"name": "x", "master": [{"service": "s", "type": "unix", "command": "c", "args": ["a\rb"]}]},
            "argument has a line break",
        ),
        (
            {
                "name": "x",
                "master": [
                    {
                        "service": "s",
                        "type": "unix",
                        "command": "c",
                        "options": {"a": "b\nsmtpd_relay_restrictions=permit"},
                    }
                ],
            },
            "options parameter a has a line break",
        ),
        ({"name": "x", "acknowledge": [{"service": "smtp"}]}, "give the exact entry"),
        ({"name": "x", "lists": {"l": [{"value": "v"}]}}, "needs a name"),
        ({"name": "x", "master": [{"service": "s", "type": "tcp", "command": "c"}]}, "type must be one of"),
        ({"name": "x", "master": [{"service": "s", "type": "unix"}]}, "has no command"),
        ({"name": "x", "master": [{"service": "s", "type": "unix", "command": "c", "options": {"a": "b c"}}]}, "space"),
        ({"name": "x", "bogus": 1}, "unknown keys bogus"),
    ],
)
def test_bad_fragments_are_refused_with_a_reason(fragment, message):
    with pytest.raises(ConfigError, match=message):
        normalize_fragment(fragment, "x")


def test_render_and_parse_round_trip():
    main = merged(BASE)["main"]
    main["long_list"] = ", ".join(f"item{i}" for i in range(30))
    text = render_main_cf(main, "/etc/postfix/mailops.d")
    assert text.startswith("# Managed by Ansible")
    assert parse_main_cf(text) == main


def test_restart_required_only_for_listed_parameters():
    assert restart_required({"inet_interfaces": "all"}, {"inet_interfaces": "127.0.0.1"})
    assert not restart_required({"relayhost": ""}, {"relayhost": "[x]"})


def test_master_options_render_in_a_stable_order():
    def service(options):
        return {"name": "x", "master": [{"service": "s", "type": "unix", "command": "smtp", "options": options}]}

    one = render_master_cf(merged(BASE, service({"b": "2", "a": "1"}))["master"], "/d")
    two = render_master_cf(merged(BASE, service({"a": "1", "b": "2"}))["master"], "/d")
    assert one == two
    assert "  -o a=1\n  -o b=2\n" in one


def test_parameter_names_may_have_capitals():
    assert (
        merged(BASE, {"name": "tls", "main": {"smtp_tls_CAfile": "/etc/ssl/ca.pem"}})["main"]["smtp_tls_CAfile"]
        == "/etc/ssl/ca.pem"
    )


def test_a_service_specific_parameter_may_carry_a_hyphen():
    fragment = normalize_fragment({"name": "x", "main": {"policyd-spf_time_limit": 3600}}, "x")
    assert fragment["main"] == {"policyd-spf_time_limit": "3600"}
