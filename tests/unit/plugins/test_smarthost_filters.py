# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._smarthost import (
    smarthost_dovecot_passwd,
    smarthost_dovecot_salts,
    smarthost_relay_problems,
    smarthost_relays,
    smarthost_sasl_table,
    smarthost_sender_logins,
    smarthost_user_problems,
)

RELAY = {"host": "smtp.example.net", "port": 587, "username": "mx1", "password": "Relay-Secret-1"}
SALES = {
    "sender": "@sales.example.org",
    "host": "relay2.example.net",
    "username": "sales",
    "password": "Sales-Secret-2",
}
FALLBACK = {"host": "backup.example.org", "port": 25}


def relays(relay=(RELAY,), fallback=(FALLBACK,), sender=(SALES,)):
    return smarthost_relays(list(relay), list(fallback), list(sender))


def test_relays_get_kind_variable_and_nexthop():
    result = relays(relay=[RELAY, {"host": "mx.example.net", "mx": True, "port": 25}])
    assert [(r["variable"], r["kind"], r["nexthop"]) for r in result] == [
        ("smarthost_relayhosts", "relay", "[smtp.example.net]:587"),
        ("smarthost_relayhosts", "relay", "mx.example.net:25"),
        ("smarthost_fallback_relays", "fallback", "[backup.example.org]:25"),
        ("smarthost_sender_relayhosts", "sender", "[relay2.example.net]:587"),
    ]


def test_sasl_table_is_keyed_by_server_never_by_sender():
    table = smarthost_sasl_table(relays())
    assert table == {"[smtp.example.net]:587": "mx1:Relay-Secret-1", "[relay2.example.net]:587": "sales:Sales-Secret-2"}
    assert not [key for key in table if "@" in key]


def test_a_fallback_relay_gets_only_its_own_login():
    fallback = {"host": "backup.example.org", "username": "backup", "password": "Backup-Secret-3"}
    table = smarthost_sasl_table(relays(fallback=[fallback]))
    assert table["[backup.example.org]:587"] == "backup:Backup-Secret-3"
    assert list(table.values()).count("sales:Sales-Secret-2") == 1


def problems(relay_list, tls_level="secure"):
    return [(c["variable"], c["problem"]) for c in smarthost_relay_problems(relay_list, tls_level) if c["problem"]]


def test_good_relays_have_no_problem():
    assert problems(relays()) == []


@pytest.mark.parametrize(
    "relay, message",
    [
        ({"host": "bad host"}, "the host is not a host name or address"),
        ({"host": "a.example", "port": 70000}, "the port is out of range (1-65535)"),
        ({"host": "a.example", "username": "u"}, "a username is set but the password is missing"),
        ({"host": "a.example", "password": "p"}, "a password is set but the username is missing"),
        (
            {"host": "a.example", "username": "u:x", "password": "p"},
            "the username may not contain a colon or whitespace",
        ),
        ({"host": "a.example", "username": "u", "password": "p\nq"}, "the password may not contain a line break"),
    ],
)
def test_bad_relays(relay, message):
    assert problems(relays(relay=[relay], fallback=[], sender=[])) == [("smarthost_relayhosts", message)]


def test_bad_sender():
    result = problems(relays(relay=[], fallback=[], sender=[dict(SALES, sender="sales")]))
    assert result == [
        (
            "smarthost_sender_relayhosts",
            "sender must be an address (user@example.org) or a domain (@example.org), got 'sales'",
        )
    ]


def test_credentials_need_secure_tls():
    result = problems(relays(fallback=[]), "encrypt")
    assert len(result) == 2 and all("set smarthost_tls_level to secure" in item[1] for item in result)
    assert problems(relays(relay=[], sender=[]), "encrypt") == []


def test_one_server_one_login():
    other = dict(SALES, sender="@other.example.org", username="other", password="Other-Secret-4")
    result = problems(relays(sender=[SALES, other]))
    assert result == [
        (
            "smarthost_sender_relayhosts",
            "[relay2.example.net]:587 is also a relay in smarthost_sender_relayhosts (sender @sales.example.org)"
            " with other credentials; Postfix picks a relay's login by the server it connects to, so one"
            " server takes one login: give both the same credentials, or use a different host name or port",
        )
    ]
    # The same login for the same server is fine, and so is another port.
    assert problems(relays(sender=[SALES, dict(SALES, sender="@other.example.org")])) == []
    assert problems(relays(sender=[SALES, dict(other, port=465)])) == []


def test_no_password_in_the_checks():
    assert "Relay-Secret-1" not in repr(smarthost_relay_problems(relays(), "encrypt"))


def user_problems(users, domain="example.org"):
    return [(c["name"], c["problem"]) for c in smarthost_user_problems(users, domain) if c["problem"]]


def test_good_users():
    assert (
        user_problems(
            [
                {"name": "alice", "password": "Alice-1"},
                {
                    "name": "bob",
                    "password_hash": "{SHA512-CRYPT}$6$salt$hash",
                    "addresses": ["bob@example.org", "@bob.example"],
                },
                {"name": "carol", "password_hash": "{BLF-CRYPT}$2y$05$x"},
            ]
        )
        == []
    )


@pytest.mark.parametrize(
    "user, message",
    [
        ({"name": "a b", "password": "x"}, "the name may not contain a colon, a comma or whitespace"),
        ({"name": "a,b", "password": "x"}, "the name may not contain a colon, a comma or whitespace"),
        ({"name": "alice"}, "the password is missing (set password, or password_hash)"),
        (
            {"name": "alice", "password": "x", "password_hash": "{SHA512-CRYPT}$6$"},
            "set password or password_hash, not both",
        ),
        ({"name": "alice", "password": "x\ny"}, "the password may not contain a line break"),
        ({"name": "alice", "password_hash": "{PLAIN}Plain-Secret-5"}, "password_hash has the {PLAIN} scheme"),
        ({"name": "alice", "password_hash": "{plain}x"}, "password_hash has the {plain} scheme"),
        ({"name": "alice", "password_hash": "{CLEARTEXT}x"}, "password_hash has the {CLEARTEXT} scheme"),
        ({"name": "alice", "password_hash": "{MD5}x"}, "password_hash has the {MD5} scheme"),
        ({"name": "alice", "password_hash": "$6$salt$hash"}, "password_hash has no {SCHEME} prefix"),
        ({"name": "alice", "password": "{PLAIN}secret"}, "password starts with {PLAIN}"),
        ({"name": "alice", "password": "x", "addresses": []}, "addresses is empty"),
        ({"name": "alice", "password": "x", "addresses": ["alice"]}, "addresses: 'alice' is not an address"),
        ({"name": "alice", "password": "x", "addresses": "alice@example.org"}, "addresses must be a list"),
    ],
)
def test_bad_users(user, message):
    result = user_problems([user])
    assert len(result) == 1 and result[0][1].startswith(message), result


def test_a_name_twice():
    assert user_problems([{"name": "alice", "password": "x"}, {"name": "Alice", "password": "y"}]) == [
        ("Alice", "the name is given twice (names are compared in lower case)")
    ]


def test_no_password_in_the_user_checks():
    assert "Plain-Secret-5" not in repr(
        smarthost_user_problems([{"name": "a", "password_hash": "{PLAIN}Plain-Secret-5"}])
    )


def test_sender_logins():
    assert smarthost_sender_logins(
        [
            {"name": "Alice", "password": "x"},
            {"name": "bob@example.org", "password": "x"},
            {"name": "web1", "password": "x", "addresses": ["@Web1.example.org", "alerts@example.org"]},
            {"name": "web2", "password": "x", "addresses": ["alerts@example.org"]},
        ],
        "example.org",
    ) == {
        "alice@example.org": "alice",
        "bob@example.org": "bob@example.org",
        "@web1.example.org": "web1",
        "alerts@example.org": "web1, web2",
    }


PASSWD = (
    "alice:{SHA512-CRYPT}$6$saltAlice$hashA\nbob:{PLAIN}secret\ngarbage line\ncarol:{SHA512-CRYPT}$6$saltCarol$hashC\n"
)


def test_dovecot_salts_of_the_sha512_crypt_lines_only():
    assert smarthost_dovecot_salts(PASSWD) == {"alice": "saltAlice", "carol": "saltCarol"}
    assert smarthost_dovecot_salts("") == {}
    assert smarthost_dovecot_salts(None) == {}


def test_dovecot_passwd_takes_given_hashes_and_the_hashed_passwords():
    users = [
        {"name": "Alice", "password": "Alice-Secret-1"},
        {"name": "bob@example.org", "password_hash": "{BLF-CRYPT}$2y$05$abc"},
    ]
    hashes = [{"item": {"name": "Alice", "password": "Alice-Secret-1"}, "stdout": "$6$saltAlice$hashA"}]
    text = smarthost_dovecot_passwd(users, hashes)
    assert text == "alice:{SHA512-CRYPT}$6$saltAlice$hashA\nbob@example.org:{BLF-CRYPT}$2y$05$abc\n"
    assert "Alice-Secret-1" not in text
    assert smarthost_dovecot_salts(text) == {"alice": "saltAlice"}
    assert smarthost_dovecot_passwd([], None) == ""


def test_dovecot_passwd_names_a_user_without_a_hash():
    with pytest.raises(AnsibleFilterError, match="user 'dave' has neither a password_hash nor a hashed password"):
        smarthost_dovecot_passwd([{"name": "dave", "password": "x"}], [])
