# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._greylisting import (
    greylisting_entries,
    greylisting_problems,
)

ROOT = Path(__file__).resolve().parents[3]
DEFAULTS = yaml.safe_load((ROOT / "roles/greylisting/defaults/main.yml").read_text())


def problems(**changes):
    return greylisting_problems(dict(DEFAULTS, **changes))


def test_the_roles_defaults_have_no_problem():
    assert problems() == []


def test_good_values_have_no_problem():
    assert (
        problems(
            greylisting_retry_window="36h",
            greylisting_listen="unix",
            greylisting_unix_socket="/var/spool/postfix/postgrey/socket",
            greylisting_whitelist_clients=[
                "mail.example.org",
                "192.0.2.7",
                "198.51.100.0/24",
                "2001:db8::/32",
                "/^mx\\d+\\./",
            ],
            greylisting_whitelist_recipients=["postmaster@", "abuse@example.org", "example.org", "/^list-/"],
            greylisting_extra_options=["--lookup-by-subnet", "--ipv4-netmask=24", "-v"],
        )
        == []
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"greylisting_delay": -5}, "greylisting_delay: -5 is not a delay; give a whole number of seconds, at least 1"),
        ({"greylisting_delay": "soon"}, "greylisting_delay: soon is not a delay"),
        ({"greylisting_max_age": 0}, "greylisting_max_age: 0 is not an age; give a whole number of days, at least 1"),
        (
            {"greylisting_retry_window": "2d"},
            'greylisting_retry_window: "2d" must be a number of days ("2") or of hours ("36h")',
        ),
        (
            {"greylisting_auto_whitelist_clients": -1},
            "greylisting_auto_whitelist_clients: -1 must be 0 (off) or a positive count",
        ),
        (
            {"greylisting_restriction_order": 300},
            "greylisting_restriction_order: 300 must be above 300, after reject_unauth_destination",
        ),
        (
            {"greylisting_listen": "inet", "greylisting_inet_host": "localhost"},
            'greylisting_inet_host: "localhost" must be an IPv4 address, normally 127.0.0.1',
        ),
        (
            {"greylisting_listen": "inet", "greylisting_inet_port": 70000},
            "greylisting_inet_port: 70000 must be a port from 1 to 65535",
        ),
        (
            {"greylisting_listen": "unix", "greylisting_unix_socket": "postgrey.sock"},
            'greylisting_unix_socket: "postgrey.sock" must be an absolute path of letters, digits, _ . / -',
        ),
        ({"greylisting_text": "  "}, 'greylisting_text: "  " must be one line of text without the characters " \\ $ `'),
        ({"greylisting_text": "pay $5"}, 'greylisting_text: "pay $5" must be one line'),
        ({"greylisting_text": "two\nlines"}, 'greylisting_text: "two\\nlines" must be one line'),
        (
            {"greylisting_whitelist_clients": ["mail.example.org", "192.168.1", "bad entry"]},
            'greylisting_whitelist_clients: "192.168.1", "bad entry" not understood; an entry is a host name or domain',
        ),
        (
            {"greylisting_whitelist_clients": ["0.0.0.0/0", "::/00"]},
            'greylisting_whitelist_clients: "0.0.0.0/0", "::/00" would whitelist every client and turn greylisting off',
        ),
        (
            {"greylisting_whitelist_recipients": ["user@exa mple.org", "@example.org"]},
            'greylisting_whitelist_recipients: "user@exa mple.org", "@example.org" not understood; an entry is user@domain,',
        ),
        (
            {"greylisting_extra_options": ["--delay=60", "--x=$(id)", "-v"]},
            'greylisting_extra_options: "--delay=60", "--x=$(id)" refused; an option is --name or --name=value, the value made'
            " of letters, digits and . _ , : / @ % + = - only",
        ),
    ],
)
def test_each_problem_names_the_variable_and_the_value(changes, message):
    found = problems(**changes)
    assert len(found) == 1, found
    assert found[0].startswith(message), found


def test_the_listen_settings_not_in_use_are_not_checked():
    assert (
        problems(greylisting_listen="unix", greylisting_unix_socket="/run/postgrey.sock", greylisting_inet_port=0) == []
    )
    assert problems(greylisting_listen="inet", greylisting_unix_socket="relative") == []


def test_entries_by_kind():
    entries = ["mail.example.org", "192.0.2.0/24", "2001:db8::/32", "/^mx[0-9]+\\.example\\.net$/", "user@"]
    assert greylisting_entries(entries, "network") == ["192.0.2.0/24", "2001:db8::/32"]
    assert greylisting_entries(entries, "regex") == ["^mx[0-9]+\\.example\\.net$"]


def test_wrong_types_and_kinds_are_refused():
    with pytest.raises(AnsibleFilterError, match="greylisting_whitelist_clients: expected a list, got str"):
        problems(greylisting_whitelist_clients="192.0.2.7")
    with pytest.raises(AnsibleFilterError, match="kind must be network or regex"):
        greylisting_entries([], "name")
    with pytest.raises(AnsibleFilterError, match="expected the settings as a mapping"):
        greylisting_problems(None)
