# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._postfix_tables import (
    postfix_table_maps,
    postfix_tables,
)

TABLES = [
    {
        "name": "aliases",
        "path": "/etc/aliases",
        "aliases": True,
        "always": True,
        "entries": {},
        "parameters": ["alias_maps", "alias_database"],
    },
    {"name": "virtual", "entries": {"info@example.org": "alice"}, "parameters": ["virtual_alias_maps"]},
    {"name": "transport", "entries": {}, "parameters": ["transport_maps"]},
    {"name": "client_access", "entries": {"192.0.2.7": "REJECT"}},
    {
        "name": "header_checks",
        "type": "regexp",
        "entries": [{"pattern": "/^Subject: spam/", "action": "REJECT no"}],
        "parameters": ["header_checks"],
    },
    {"name": "body_checks", "type": "regexp", "entries": [], "parameters": ["body_checks"]},
]


def test_tables_in_postmap_format_with_paths_types_and_states():
    assert postfix_tables(TABLES, "lmdb") == [
        {"path": "/etc/aliases", "type": "lmdb", "entries": {}, "state": "present", "aliases": True},
        {"path": "/etc/postfix/virtual", "type": "lmdb", "entries": {"info@example.org": "alice"}, "state": "present"},
        {"path": "/etc/postfix/transport", "type": "lmdb", "entries": {}, "state": "absent"},
        {"path": "/etc/postfix/client_access", "type": "lmdb", "entries": {"192.0.2.7": "REJECT"}, "state": "present"},
        {
            "path": "/etc/postfix/header_checks",
            "type": "regexp",
            "entries": ["/^Subject: spam/ REJECT no"],
            "state": "present",
        },
        {"path": "/etc/postfix/body_checks", "type": "regexp", "entries": [], "state": "absent"},
    ]


def test_maps_by_name_only_for_tables_that_exist():
    assert postfix_table_maps(TABLES, "hash") == {
        "aliases": "hash:/etc/aliases",
        "virtual": "hash:/etc/postfix/virtual",
        "client_access": "hash:/etc/postfix/client_access",
        "header_checks": "regexp:/etc/postfix/header_checks",
    }


def test_maps_by_parameter_leave_out_tables_without_entries():
    assert postfix_table_maps(TABLES, "cdb", "parameter") == {
        "alias_maps": "cdb:/etc/aliases",
        "alias_database": "cdb:/etc/aliases",
        "virtual_alias_maps": "cdb:/etc/postfix/virtual",
        "header_checks": "regexp:/etc/postfix/header_checks",
    }


@pytest.mark.parametrize(
    "tables, message",
    [
        ({"name": "virtual"}, "expected a list of tables, got dict"),
        ([{"entries": {}}], "every table needs a name"),
        ([{"name": "virtual"}, {"name": "virtual"}], "the table virtual is listed twice"),
        ([{"name": "virtual", "entries": "a b"}], "the entries of virtual must be a mapping or a list"),
        (
            [{"name": "header_checks", "entries": [{"pattern": "/x/"}]}],
            "an entry of header_checks needs a pattern and an action",
        ),
    ],
)
def test_bad_tables_are_refused(tables, message):
    with pytest.raises(AnsibleFilterError, match=message):
        postfix_tables(tables)


def test_bad_key_is_refused():
    with pytest.raises(AnsibleFilterError, match="key must be name or parameter"):
        postfix_table_maps(TABLES, "hash", "path")
