# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
from __future__ import annotations

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.mailops.postfix.plugins.action import postfix_fragment
from ansible_collections.mailops.postfix.plugins.action.postfix_fragment import (
    applied_fragments,
    merge_diffs,
    split_tables,
)

FRAGMENT = {"priority": 40, "main": {"relay_domains": "example.org"}}
TABLE = {"path": "/etc/postfix/t", "entries": {"a": "OK"}}


def action(args, check_mode=False):
    task = mock.MagicMock()
    task.async_val = 0
    task.check_mode = check_mode
    task.args = args
    return postfix_fragment.ActionModule(
        task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None
    )


def run(args, outcomes, task_vars=None):
    """Run the action with _execute_module answering outcomes[module name] (a list, one per call)."""
    plugin = action(args)
    calls = []

    def execute(module_name, module_args, task_vars):
        calls.append((module_name, module_args))
        return outcomes[module_name].pop(0)

    with mock.patch.object(plugin, "_execute_module", side_effect=execute):
        result = plugin.run(task_vars=task_vars or {})
    return result, calls


def test_split_tables_takes_the_fragment_state_as_default():
    before, after = split_tables([TABLE, dict(TABLE, path="/b", state="absent")], "present")
    assert before == [dict(TABLE, state="present")]
    assert after == [{"path": "/b", "entries": {"a": "OK"}, "state": "absent"}]
    before, after = split_tables([TABLE], "absent")
    assert before == [] and after == [dict(TABLE, state="absent")]


def test_merge_diffs_flattens_lists_and_dicts():
    assert merge_diffs([{"diff": {"before": "a"}}, {}, {"diff": [{"after": "b"}, {}]}]) == [
        {"before": "a"},
        {"after": "b"},
    ]


def test_restart_requests():
    assert postfix_fragment.restart_requests(None) == 0
    assert postfix_fragment.restart_requests("4") == 4
    assert postfix_fragment.restart_requests("x") == 0


def test_applied_fragments():
    assert applied_fragments(["tls"], "postfix", "present") == ["postfix", "tls"]
    assert applied_fragments(["tls", "amavis"], "amavis", "absent") == ["tls"]
    assert applied_fragments(None, "postfix", "present") == ["postfix"]


def test_tables_before_then_config_then_removed_tables():
    result, calls = run(
        {
            "name": "backup_mx",
            "fragment": FRAGMENT,
            "tables": [TABLE, {"path": "/old", "state": "absent"}],
            "type": "lmdb",
        },
        {
            "mailops.postfix.postmap": [
                {"changed": False, "tables": [{"path": "/etc/postfix/t"}]},
                {"changed": True, "tables": [{"path": "/old"}], "diff": [{"before": "x", "after": ""}]},
            ],
            "mailops.postfix.postfix_config": [
                {"changed": False, "restart_required": False, "fragments": ["postfix", "backup_mx"]}
            ],
        },
        task_vars={"mailops_postfix_fragments": ["postfix"]},
    )
    assert [c[0] for c in calls] == [
        "mailops.postfix.postmap",
        "mailops.postfix.postfix_config",
        "mailops.postfix.postmap",
    ]
    assert calls[0][1] == {"type": "lmdb", "tables": [dict(TABLE, state="present")]}
    assert calls[1][1] == {"name": "backup_mx", "state": "present", "fragment": FRAGMENT}
    assert calls[2][1] == {"type": "lmdb", "tables": [{"path": "/old", "state": "absent"}]}
    assert result["changed"] is True
    assert result["restart_required"] is False
    assert result["fragments"] == ["postfix", "backup_mx"]
    assert [t["path"] for t in result["tables"]] == ["/etc/postfix/t", "/old"]
    assert result["diff"] == [{"before": "x", "after": ""}]
    assert result["ansible_facts"] == {"mailops_postfix_fragments": ["backup_mx", "postfix"]}


def test_no_tables_runs_only_the_assembler_and_a_restart_sets_the_fact():
    result, calls = run(
        {"name": "postfix", "fragment": FRAGMENT},
        {
            "mailops.postfix.postfix_config": [
                {"changed": True, "restart_required": True, "fragments": ["postfix"], "diff": [{"after": "m"}]}
            ]
        },
    )
    assert [c[0] for c in calls] == ["mailops.postfix.postfix_config"]
    assert result["changed"] is True and result["restart_required"] is True
    assert result["diff"] == [{"after": "m"}]
    assert result["ansible_facts"] == {
        "mailops_postfix_fragments": ["postfix"],
        "__platform_postfix_restart_requests": 1,
    }


def test_each_restart_raises_the_count_of_requests():
    result, calls = run(
        {"name": "postfix", "fragment": FRAGMENT},
        {"mailops.postfix.postfix_config": [{"changed": True, "restart_required": True}]},
        task_vars={"__platform_postfix_restart_requests": 2},
    )
    assert result["ansible_facts"]["__platform_postfix_restart_requests"] == 3
    assert [c[0] for c in calls] == ["mailops.postfix.postfix_config"]


def test_absent_removes_the_fragment_then_its_tables():
    result, calls = run(
        {"name": "backup_mx", "state": "absent", "tables": [{"path": "/etc/postfix/t"}]},
        {
            "mailops.postfix.postfix_config": [{"changed": True, "restart_required": False, "fragments": ["postfix"]}],
            "mailops.postfix.postmap": [{"changed": True, "tables": []}],
        },
        task_vars={"mailops_postfix_fragments": ["backup_mx", "postfix"]},
    )
    assert calls == [
        ("mailops.postfix.postfix_config", {"name": "backup_mx", "state": "absent"}),
        ("mailops.postfix.postmap", {"tables": [{"path": "/etc/postfix/t", "state": "absent"}]}),
    ]
    assert "diff" not in result
    assert result["ansible_facts"] == {"mailops_postfix_fragments": ["postfix"]}


def test_a_refused_configuration_stops_before_the_tables_are_removed():
    result, calls = run(
        {"name": "x", "fragment": FRAGMENT, "tables": [TABLE, {"path": "/old", "state": "absent"}]},
        {
            "mailops.postfix.postmap": [{"changed": True, "tables": []}],
            "mailops.postfix.postfix_config": [{"failed": True, "msg": "does not validate", "rc": 1}],
        },
    )
    assert [c[0] for c in calls] == ["mailops.postfix.postmap", "mailops.postfix.postfix_config"]
    assert result["failed"] is True and result["changed"] is True and result["rc"] == 1
    assert result["msg"] == "postfix_fragment x (config): does not validate"
    assert "ansible_facts" not in result


def test_a_failed_table_stops_before_the_assembler():
    result, calls = run(
        {"name": "x", "fragment": FRAGMENT, "tables": [TABLE]},
        {"mailops.postfix.postmap": [{"failed": True, "msg": "bad key"}]},
    )
    assert len(calls) == 1
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == "postfix_fragment x (tables): bad key"


def test_present_without_a_fragment_is_refused_before_anything_runs():
    result, calls = run({"name": "x"}, {})
    assert calls == [] and result["failed"] is True
    assert result["msg"] == "postfix_fragment x: fragment is required with state=present"


def test_unknown_options_are_refused():
    with pytest.raises(AnsibleActionFail):
        run({"name": "x", "fragment": FRAGMENT, "bogus": 1}, {})


@pytest.mark.parametrize("asked", [True, False])
def test_a_restart_asked_by_the_caller_is_a_change_even_when_the_fragment_is_unchanged(asked):
    result, calls = run(
        {"name": "dkim", "fragment": FRAGMENT, "restart": asked},
        {"mailops.postfix.postfix_config": [{"changed": False, "restart_required": False}]},
        task_vars={"__platform_postfix_restart_requests": 1},
    )
    assert [c[0] for c in calls] == ["mailops.postfix.postfix_config"]
    assert result["changed"] is asked and result["restart_required"] is asked
    assert result["ansible_facts"].get("__platform_postfix_restart_requests") == (2 if asked else None)
