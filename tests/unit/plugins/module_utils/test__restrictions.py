# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""The registry of list entry orders, and the assembler's lookup of an entry's order in it."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.postfix.plugins.module_utils._postfix_config import (
    ConfigError,
    merge_fragments,
    normalize_fragment,
)
from ansible_collections.mailops.postfix.plugins.module_utils._restrictions import (
    ORDER,
    UnknownOrder,
    order_of,
    registered_order,
)


def merged(*fragments):
    return merge_fragments(normalize_fragment(f, f["name"]) for f in fragments)


BASE = {
    "name": "postfix",
    "priority": 0,
    "main": {"myhostname": "mx.example.test"},
    "lists": {
        "smtpd_relay_restrictions": [
            {"name": "mynetworks", "value": "permit_mynetworks"},
            {"name": "unauth_destination", "value": "reject_unauth_destination"},
        ],
        "smtpd_recipient_restrictions": [
            {"name": "unauth_destination", "value": "reject_unauth_destination"},
            {"name": "reject_rbl_client zen.example", "value": "reject_rbl_client zen.example"},
            {"name": "mynetworks", "value": "permit_mynetworks"},
        ],
    },
}


def test_the_postfix_skeleton_keeps_its_documented_orders():
    assert ORDER["smtpd_relay_restrictions"] == {"mynetworks": 100, "sasl": 200, "unauth_destination": 900}
    recipient = ORDER["smtpd_recipient_restrictions"]
    assert [recipient[n] for n in ("mynetworks", "sasl", "unauth_destination", "recipient_access")] == [
        100,
        200,
        300,
        400,
    ]
    assert recipient["reject_rbl_client"] == 500 and recipient["greylisting"] == 600
    assert ORDER["smtp_tls_policy_maps"] == {"smarthost": 100, "tls_policy": 500}


def test_lookup_by_name_then_first_word():
    assert registered_order("smtpd_recipient_restrictions", "greylisting") == 600
    assert registered_order("smtpd_recipient_restrictions", "reject_rbl_client bl.example") == 500
    assert registered_order("smtpd_recipient_restrictions", "nothing") is None
    assert registered_order("no_such_list", "greylisting") is None


def test_unknown_entry_names_the_list_and_the_entry():
    with pytest.raises(UnknownOrder) as error:
        order_of("smtpd_relay_restrictions", "mine")
    message = str(error.value)
    assert "smtpd_relay_restrictions entry mine has no order" in message
    assert "mynetworks (100)" in message and "give the entry an order" in message


def test_entries_without_order_are_placed_by_the_registry():
    grey = {
        "name": "greylisting",
        "priority": 60,
        "lists": {"smtpd_recipient_restrictions": [{"name": "greylisting", "value": "check_policy_service x"}]},
    }
    result = merged(grey, BASE)
    assert result["main"]["smtpd_relay_restrictions"] == "permit_mynetworks, reject_unauth_destination"
    assert result["main"]["smtpd_recipient_restrictions"] == (
        "permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.example, check_policy_service x"
    )


def test_an_explicit_order_wins_over_the_registry():
    grey = {
        "name": "greylisting",
        "lists": {
            "smtpd_recipient_restrictions": [{"name": "greylisting", "order": 450, "value": "check_policy_service x"}]
        },
    }
    result = merged(BASE, grey)
    assert result["main"]["smtpd_recipient_restrictions"] == (
        "permit_mynetworks, reject_unauth_destination, check_policy_service x, reject_rbl_client zen.example"
    )


def test_an_entry_with_neither_order_nor_registry_entry_is_refused():
    mine = {"name": "mine", "lists": {"smtpd_recipient_restrictions": [{"name": "mine", "value": "reject"}]}}
    with pytest.raises(ConfigError, match="fragment mine: smtpd_recipient_restrictions entry mine has no order"):
        normalize_fragment(mine, "mine")


def test_an_absent_entry_needs_no_order():
    gone = {"name": "mine", "lists": {"smtpd_recipient_restrictions": [{"name": "unknown", "state": "absent"}]}}
    assert normalize_fragment(gone, "mine")["lists"]["smtpd_recipient_restrictions"][0]["state"] == "absent"
