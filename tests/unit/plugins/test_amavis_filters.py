# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.postfix.plugins.plugin_utils._amavis import amavis_spam_level_problems

GLOBAL = "amavis_spam_tag_level, amavis_spam_tag2_level, amavis_spam_kill_level"
RISE = "the spam levels must rise from tag to tag2 to kill, but"


def test_levels_in_order_have_no_problem():
    assert amavis_spam_level_problems([], -999, 6.31, 6.31) == []
    assert (
        amavis_spam_level_problems([{"domain": "a.test", "spam_kill_level": 10, "spam_tag_level": None}], 2, 5, 6) == []
    )


@pytest.mark.parametrize(
    "tag, tag2, kill, messages",
    [
        (
            5,
            5,
            3,
            [
                f"{GLOBAL}: {RISE} the kill level 3 is below the tag level 5",
                f"{GLOBAL}: {RISE} the kill level 3 is below the tag2 level 5",
            ],
        ),
        (2, 7, 6.5, [f"{GLOBAL}: {RISE} the kill level 6.5 is below the tag2 level 7"]),
        (8, 7, 9, [f"{GLOBAL}: {RISE} the tag2 level 7 is below the tag level 8"]),
    ],
)
def test_each_pair_out_of_order_is_one_message(tag, tag2, kill, messages):
    assert amavis_spam_level_problems([], tag, tag2, kill) == messages


def test_a_domain_takes_the_global_levels_it_does_not_set():
    policies = [{"domain": "tagged.test", "spam_kill_level": 1}, {"domain": "fine.test", "spam_tag2_level": 3}]
    assert amavis_spam_level_problems(policies, -999, 6.31, 6.31) == [
        f"amavis_domain_policies, domain tagged.test: {RISE} the kill level 1 is below the tag2 level 6.31"
    ]


def test_bad_values_are_refused():
    with pytest.raises(AnsibleFilterError, match=re.escape("domain x.test: the kill level 'high' is not a number")):
        amavis_spam_level_problems([{"domain": "x.test", "spam_kill_level": "high"}], 1, 2, 3)
    with pytest.raises(AnsibleFilterError, match="amavis_domain_policies: expected a list, got dict"):
        amavis_spam_level_problems({}, 1, 2, 3)
