# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one registry of the orders of the entries of composed list parameters.

A fragment's ``lists`` entry may leave out ``order``; the assembler then takes
it from ``ORDER[list_name][entry_name]``, so that roles refer to a position by
the entry's name and the numbers are written once, here (the table in
docs/architecture.md lists them). An entry whose name is not in the registry
is looked up by its first word (``reject_rbl_client zen.example`` takes the
order of ``reject_rbl_client``), so that entries named after their value
share one position. The orders leave room between the postfix role's entries
for the users' own entries (``postfix_*_restrictions``, order 50 unless
given) and for other roles.

Nothing here does I/O.
"""

from __future__ import annotations

ORDER: dict[str, dict[str, int]] = {
    "smtpd_client_restrictions": {
        "client_access": 300,  # postfix: check_client_access, when the table has entries
    },
    "smtpd_sender_restrictions": {
        "sender_access": 300,  # postfix: check_sender_access, when the table has entries
    },
    "smtpd_data_restrictions": {
        "unauth_pipelining": 100,  # postfix: reject_unauth_pipelining (postfix_restrictions_off)
    },
    "smtpd_relay_restrictions": {
        "mynetworks": 100,  # postfix: permit_mynetworks
        "sasl": 200,  # postfix: permit_sasl_authenticated
        "unauth_destination": 900,  # postfix: reject_unauth_destination
    },
    "smtpd_recipient_restrictions": {
        "mynetworks": 100,  # postfix: permit_mynetworks
        "sasl": 200,  # postfix: permit_sasl_authenticated
        "unauth_destination": 300,  # postfix: reject_unauth_destination
        # postfix: the restriction set (postfix_restrictions_off), docs/restrictions.md; before any policy service
        "invalid_helo_hostname": 310,
        "non_fqdn_helo_hostname": 320,
        "non_fqdn_sender": 330,
        "non_fqdn_recipient": 340,
        "unknown_sender_domain": 350,
        "unknown_recipient_domain": 360,
        "unlisted_recipient": 370,
        "recipient_access": 400,  # postfix: check_recipient_access, when the table has entries
        "reject_rbl_client": 500,  # postfix: one entry a DNSBL (postfix_dnsbl), named "reject_rbl_client ZONE"
        "policyd-spf": 550,  # dmarc: check_policy_service (policyd-spf); dmarc_spf_restriction_order overrides
        "greylisting": 600,  # greylisting: check_policy_service (postgrey); greylisting_restriction_order overrides
    },
    "smtpd_milters": {
        "opendkim": 100,  # dkim: OpenDKIM signs and verifies first
        "opendmarc": 200,  # dmarc: OpenDMARC reads OpenDKIM's Authentication-Results
    },
    "non_smtpd_milters": {
        "opendkim": 100,  # dkim: signs the mail posted on the host (sendmail)
    },
    "smtp_tls_policy_maps": {
        "smarthost": 100,  # smarthost: the relays' policies, before the tls role's table
        "tls_policy": 500,  # tls: tls_policy
    },
}


class UnknownOrder(ValueError):
    """An entry without an order that the registry does not know."""


def registered_order(list_name: str, entry_name: str) -> int | None:
    """The registered order of an entry, by its name or else its name's first word; None when unknown."""
    orders = ORDER.get(list_name, {})
    if entry_name in orders:
        return orders[entry_name]
    words = entry_name.split()
    if words and words[0] in orders:
        return orders[words[0]]
    return None


def order_of(list_name: str, entry_name: str) -> int:
    """The registered order of an entry; UnknownOrder naming the list and the entry when there is none."""
    order = registered_order(list_name, entry_name)
    if order is None:
        known = ", ".join(
            f"{name} ({number})" for name, number in sorted(ORDER.get(list_name, {}).items(), key=lambda i: i[1])
        )
        raise UnknownOrder(
            f"{list_name} entry {entry_name} has no order and the registry (module_utils/_restrictions.py) "
            f"knows no entry of that name in {list_name}"
            + (f" (it knows {known})" if known else "")
            + "; give the entry an order"
        )
    return order
