# SPDX-License-Identifier: GPL-3.0-or-later
"""The open-relay guard: every bypass of issue 15 is a case here."""

from __future__ import annotations

import re

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils._relay_guard import RelayGuardError, check_services

MAIN = {
    "mynetworks": "127.0.0.0/8, [::1]/128",
    "smtpd_relay_restrictions": "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
    "smtpd_recipient_restrictions": "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
}
SMTP = {"service": "smtp", "type": "inet", "command": "smtpd", "options": {}}


def service(**options):
    return {"service": "2525", "type": "inet", "command": "smtpd", "options": options}


def check(main=None, services=None, acknowledge=None):
    check_services(dict(MAIN, **(main or {})), [SMTP] + (services or []), acknowledge)


def test_the_defaults_pass():
    check()
    check(services=[service(syslog_name="postfix/2525")])


@pytest.mark.parametrize(
    "main, services, message",
    [
        # the 2525 service of the issue, and its variants through -o
        ({}, [service(mynetworks="0.0.0.0/0")], "master.cf service 2525/inet: mynetworks contains 0.0.0.0/0"),
        ({}, [service(smtpd_relay_restrictions="permit")], "2525/inet: smtpd_relay_restrictions has 'permit'"),
        ({}, [service(smtpd_relay_restrictions="PERMIT")], "has 'PERMIT'"),
        ({}, [service(smtpd_relay_restrictions="Permit_Auth_Destination")], "does not end relaying"),
        (
            {},
            [service(smtpd_relay_restrictions="check_sender_access,hash:/etc/postfix/ok,reject_unauth_destination")],
            "has 'check_sender_access hash:/etc/postfix/ok' before reject_unauth_destination",
        ),
        (
            {},
            [service(smtpd_relay_restrictions="check_client_access,cidr:/etc/postfix/ok,reject_unauth_destination")],
            "check_client_access",
        ),
        (
            {},
            [service(smtpd_relay_restrictions="static:OK,reject_unauth_destination")],
            "'static:OK' before reject_unauth_destination, a bare table",
        ),
        ({}, [service(smtpd_relay_restrictions="hash:/etc/postfix/clients,reject_unauth_destination")], "a bare table"),
        ({}, [service(smtpd_relay_restrictions="permit_mx_backup,reject_unauth_destination")], "'permit_mx_backup'"),
        (
            {},
            [service(smtpd_relay_restrictions="permit_tls_all_clientcerts,reject_unauth_destination")],
            "'permit_tls_all_clientcerts'",
        ),
        (
            {},
            [service(smtpd_relay_restrictions="permit_dnswl_client,list.test,reject_unauth_destination")],
            "'permit_dnswl_client list.test'",
        ),
        (
            {},
            [service(smtpd_relay_restrictions="frobnicate,reject_unauth_destination")],
            "that the guard does not know",
        ),
        ({}, [service(smtpd_relay_restrictions="warn_if_reject,reject_unauth_destination")], "does not end relaying"),
        ({}, [service(smtpd_relay_restrictions="{ permit_mynetworks, permit }")], "has 'permit'"),
        # $parameter references, in all three spellings
        ({"open_list": "permit"}, [service(smtpd_relay_restrictions="$open_list")], "has 'permit'"),
        ({"open_list": "permit"}, [service(smtpd_relay_restrictions="${open_list}")], "has 'permit'"),
        ({"open_list": "permit"}, [service(smtpd_relay_restrictions="$(open_list)")], "has 'permit'"),
        (
            {"a": "$b", "b": "PERMIT"},
            [service(smtpd_relay_restrictions="$a,reject_unauth_destination")],
            "has 'PERMIT'",
        ),
        ({"a": "$a"}, [service(smtpd_relay_restrictions="$a")], "nest deeper"),
        ({"x": "permit"}, [service(smtpd_relay_restrictions="${x?permit},reject_unauth_destination")], "'${x?permit}'"),
        # restriction classes
        (
            {"smtpd_restriction_classes": "friends", "friends": "permit"},
            [service(smtpd_relay_restrictions="friends,reject_unauth_destination")],
            "(restriction class friends) has 'permit'",
        ),
        (
            {"smtpd_restriction_classes": "friends", "friends": "check_sender_access hash:/etc/postfix/friends"},
            [service(smtpd_relay_restrictions="FRIENDS,reject_unauth_destination")],
            "'check_sender_access hash:/etc/postfix/friends'",
        ),
        # the relay list is empty: the recipient list decides
        (
            {},
            [service(smtpd_relay_restrictions="", smtpd_recipient_restrictions="permit_mynetworks")],
            "smtpd_recipient_restrictions",
        ),
        # main.cf alone (postfix_main_cf)
        (
            {"smtpd_relay_restrictions": "permit, reject_unauth_destination"},
            [],
            "main.cf: smtpd_relay_restrictions has 'permit'",
        ),
        ({"allow_untrusted_routing": "yes"}, [], "allow_untrusted_routing"),
        ({}, [service(allow_untrusted_routing="yes")], "2525/inet: allow_untrusted_routing"),
        # mynetworks, parsed
        ({"mynetworks": "[::0]/0"}, [], "mynetworks contains [::0]/0"),
        ({"mynetworks": "::/0"}, [], "mynetworks contains ::/0"),
        ({}, [service(mynetworks="[::]/0")], "2525/inet: mynetworks contains [::]/0"),
        ({"mynetworks": "0.0.0.0/1 128.0.0.0/1"}, [], "'0.0.0.0/1' (a network broader than /8"),
        ({"mynetworks": "10.0.0.0/7"}, [], "'10.0.0.0/7' (a network broader than /8"),
        ({"mynetworks": "198.51.0.0/16"}, [], "broader than /24"),
        ({"mynetworks": "[2001:db9::]/40"}, [], "broader than /48"),
        ({"mynetworks": "[fc00::]/7"}, [], "broader than /32"),
        (
            {"mynetworks": "192.168.1.7/16"},
            [],
            "mynetworks entry '192.168.1.7/16' has host bits set; write the network address (192.168.0.0/16)",
        ),
        ({"mynetworks": "[2001:db8::1]/32"}, [], "host bits set"),
        ({"mynetworks": "cidr:/etc/postfix/trusted"}, [], "'cidr:/etc/postfix/trusted' (a file or table"),
        ({"mynetworks": "hash:/etc/postfix/trusted"}, [], "a file or table"),
        ({"mynetworks": "/etc/postfix/trusted"}, [], "a file or table"),
        ({"mynetworks": "relay.example.test"}, [], "a host name"),
        ({"trusted": "0.0.0.0/0"}, [service(mynetworks="$trusted")], "mynetworks contains 0.0.0.0/0"),
        ({"mynetworks_style": "class"}, [], "mynetworks_style=class"),
    ],
)
def test_bypasses_are_refused(main, services, message):
    main = dict(main)
    if main.pop("mynetworks_style", None):
        base = {k: v for k, v in MAIN.items() if k != "mynetworks"}
        with pytest.raises(RelayGuardError, match=re.escape(message)):
            check_services(dict(base, mynetworks_style="class"), [SMTP])
        return
    with pytest.raises(RelayGuardError, match=re.escape(message)):
        check(main, services)


def test_the_error_names_service_parameter_entry_and_the_way_out():
    with pytest.raises(RelayGuardError) as err:
        check(
            services=[
                service(smtpd_relay_restrictions="check_sender_access hash:/etc/postfix/ok, reject_unauth_destination")
            ]
        )
    text = str(err.value)
    for part in (
        "master.cf service 2525/inet",
        "smtpd_relay_restrictions",
        "'check_sender_access hash:/etc/postfix/ok'",
        "postfix_relay_guard_acknowledge",
        "service: '2525'",
    ):
        assert part in text


@pytest.mark.parametrize(
    "relay",
    [
        "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
        "PERMIT_MYNETWORKS, REJECT_UNAUTH_DESTINATION",
        "permit_sasl_authenticated, reject",
        "permit_mynetworks, defer_unauth_destination",
        "permit_tls_clientcerts, permit_mynetworks, reject_unknown_client_hostname, reject_rbl_client zen.test, sleep 1, reject_unauth_destination",
        "warn_if_reject reject_unknown_helo_hostname, reject_unauth_destination",
        "{ permit_mynetworks, reject }",
        "permit_mynetworks, reject_unauth_destination, permit",
    ],
)
def test_safe_relay_lists_pass(relay):
    check(services=[service(smtpd_relay_restrictions=relay)])


def test_a_class_that_refuses_is_a_guard():
    check(
        {"smtpd_restriction_classes": "strict", "strict": "permit_mynetworks, reject"},
        [service(smtpd_relay_restrictions="strict")],
    )


def test_safe_networks_pass():
    check(
        {
            "mynetworks": "127.0.0.0/8 [::1]/128 10.0.0.0/8 192.168.0.0/16 172.16.0.0/12 198.51.100.0/24 192.0.2.7 "
            "[2001:db8:1::]/48 [fe80::]/10 !10.1.2.3"
        }
    )


@pytest.mark.parametrize(
    "acknowledge",
    [
        ["check_sender_access hash:/etc/postfix/ok"],
        [{"entry": "check_sender_access  hash:/etc/postfix/ok", "service": "2525"}],
        [
            {
                "entry": "check_sender_access hash:/etc/postfix/ok",
                "service": "2525/inet",
                "parameter": "smtpd_relay_restrictions",
            }
        ],
    ],
)
def test_an_acknowledged_entry_passes(acknowledge):
    check(
        services=[
            service(smtpd_relay_restrictions="check_sender_access hash:/etc/postfix/ok, reject_unauth_destination")
        ],
        acknowledge=acknowledge,
    )


@pytest.mark.parametrize(
    "acknowledge",
    [
        ["check_sender_access hash:/etc/postfix/other"],
        [{"entry": "check_sender_access hash:/etc/postfix/ok", "service": "smtp"}],
        [{"entry": "check_sender_access hash:/etc/postfix/ok", "parameter": "smtpd_recipient_restrictions"}],
    ],
)
def test_an_acknowledgement_covers_only_its_entry(acknowledge):
    with pytest.raises(RelayGuardError, match="check_sender_access"):
        check(
            services=[
                service(smtpd_relay_restrictions="check_sender_access hash:/etc/postfix/ok, reject_unauth_destination")
            ],
            acknowledge=acknowledge,
        )


def test_acknowledged_networks_pass_but_never_zero():
    check(
        {"mynetworks": "127.0.0.0/8 cidr:/etc/postfix/trusted 198.51.0.0/16"},
        acknowledge=["cidr:/etc/postfix/trusted", {"entry": "198.51.0.0/16", "parameter": "mynetworks"}],
    )
    with pytest.raises(RelayGuardError, match="together cover every IPv4 address"):
        check({"mynetworks": "0.0.0.0/1 128.0.0.0/1"}, acknowledge=["0.0.0.0/1", "128.0.0.0/1"])
    with pytest.raises(RelayGuardError, match=r"contains 0.0.0.0/0"):
        check({"mynetworks": "0.0.0.0/0"}, acknowledge=["0.0.0.0/0"])


def test_a_permit_in_a_list_that_no_service_uses_still_counts_in_main_cf():
    with pytest.raises(RelayGuardError, match=r"main.cf: smtpd_relay_restrictions"):
        check_services(dict(MAIN, smtpd_relay_restrictions="permit"), [])


def test_services_that_are_not_smtpd_are_ignored():
    check(
        services=[
            {"service": "relay", "type": "unix", "command": "smtp", "options": {"smtpd_relay_restrictions": "permit"}}
        ]
    )


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "smtpd_relay_restrictions=permit"],
        ["-o smtpd_relay_restrictions=permit"],
        ["-osmtpd_relay_restrictions=permit"],
    ],
)
def test_options_given_as_arguments_count_too(args):
    with pytest.raises(RelayGuardError, match="2525/inet: smtpd_relay_restrictions has 'permit'"):
        check(services=[{"service": "2525", "type": "inet", "command": "smtpd", "options": {}, "args": args}])


def test_the_postscreen_pass_service_is_checked_like_any_smtpd():
    """With postscreen on port 25, mail reaches `smtpd pass`: its -o options must not open a relay."""
    postscreen = [
        {"service": "smtp", "type": "inet", "command": "postscreen", "options": {}},
        {"service": "smtpd", "type": "pass", "command": "smtpd", "options": {}},
        {"service": "dnsblog", "type": "unix", "command": "dnsblog", "options": {}},
    ]
    check_services(MAIN, postscreen)
    opened = dict(postscreen[1], options={"smtpd_relay_restrictions": "permit"})
    with pytest.raises(
        RelayGuardError, match=re.escape("master.cf service smtpd/pass: smtpd_relay_restrictions has 'permit'")
    ):
        check_services(MAIN, [postscreen[0], opened])
