# Copyright: mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Apply one role's fragment: its tables, the assembler, then the tables that go.

The one task through which every role of the collection changes Postfix's
configuration (docs/architecture.md, "One entry point"). In this order, each
through the collection's modules on the host:

1. mailops.postfix.postmap builds the tables that are present, so main.cf
   never names a table that does not exist;
2. mailops.postfix.postfix_config merges the fragment with the others on the
   host, validates and installs main.cf and master.cf, then writes (or
   removes) the fragment;
3. mailops.postfix.postmap removes the tables that are absent, once main.cf
   no longer names them (skipped when there are none).

The first failure stops the task; what ran before it is reported. The result
merges C(changed) and C(diff), returns C(restart_required), and sets two host
facts: C(__platform_postfix_restart_requests), a count raised by each change
that needs Postfix restarted (the platform role's handler C(Apply postfix
configuration) restarts Postfix while it is above the count it applied,
C(__platform_postfix_restart_applied), and reloads it otherwise), and
C(mailops_postfix_fragments), the fragments applied so far in the run (the
postfix role's C(postfix_fragments_exclusive) keeps them).

Why a count and not a flag that the handler clears: a handler can set a
variable only with set_fact, whose value shadows a fact of the same name
for the rest of the run, so a cleared flag could never be raised again by
this action's facts. Each of the two counts has one writer.
"""

from __future__ import annotations

import typing as t

from ansible_collections.mailops.postfix.plugins.plugin_utils._action import CollectionAction

# The host facts this action sets (and the platform role's handler reads).
RESTART_FACT = "__platform_postfix_restart_requests"
APPLIED_FACT = "mailops_postfix_fragments"

ARGUMENT_SPEC: dict[str, t.Any] = {
    "name": {"type": "str", "required": True},
    "fragment": {"type": "dict"},
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "tables": {"type": "list", "elements": "dict", "default": []},
    "type": {"type": "str"},
    "restart": {"type": "bool", "default": False},
}


def split_tables(tables: t.Sequence[t.Mapping[str, t.Any]], state: str) -> tuple[list[dict], list[dict]]:
    """The tables to build before the configuration, and those to remove after it.

    A table without a C(state) takes the fragment's: a fragment that goes takes
    its tables with it. Every item leaves with its state written out.
    """
    before, after = [], []
    for table in tables:
        item = dict(table, state=table.get("state") or state)
        (after if item["state"] == "absent" else before).append(item)
    return before, after


def merge_diffs(results: t.Iterable[t.Mapping[str, t.Any]]) -> list[dict]:
    """The diffs of the modules run, in order, as one list."""
    merged: list[dict] = []
    for result in results:
        diff = result.get("diff")
        if isinstance(diff, dict) and diff:
            merged.append(diff)
        elif isinstance(diff, list):
            merged.extend(d for d in diff if d)
    return merged


def restart_requests(value: t.Any) -> int:
    """The run's count of restart requests so far (0 when unset or unreadable)."""
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def applied_fragments(applied: t.Any, name: str, state: str) -> list[str]:
    """The run's list of applied fragments after this call: the name added (present) or taken out (absent)."""
    names = {str(n) for n in applied} if isinstance(applied, (list, tuple, set)) else set()
    if state == "present":
        names.add(name)
    else:
        names.discard(name)
    return sorted(names)


class ActionModule(CollectionAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def act(self, result, args, task_vars):
        name, state, fragment = args["name"], args["state"], args["fragment"]
        if state == "present" and fragment is None:
            result.update(failed=True, msg=f"postfix_fragment {name}: fragment is required with state=present")
            return result

        before, after = split_tables(args["tables"], state)
        postmap_defaults = {"type": args["type"]} if args["type"] else {}
        config_args: dict[str, t.Any] = {"name": name, "state": state}
        if state == "present":
            config_args["fragment"] = fragment

        steps: list[tuple[str, str, dict[str, t.Any]]] = []
        if before:
            steps.append(("tables", "mailops.postfix.postmap", dict(postmap_defaults, tables=before)))
        steps.append(("config", "mailops.postfix.postfix_config", config_args))
        if after:
            steps.append(("removed tables", "mailops.postfix.postmap", dict(postmap_defaults, tables=after)))

        ran: list[dict[str, t.Any]] = []
        tables: list[dict[str, t.Any]] = []
        config: dict[str, t.Any] = {}
        for step, module, module_args in steps:
            outcome = self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)
            ran.append(outcome)
            if step == "config":
                config = outcome
            else:
                tables.extend(outcome.get("tables") or [])
            if outcome.get("failed"):
                failed = dict(outcome)
                failed["changed"] = any(r.get("changed") for r in ran)
                failed["msg"] = f"postfix_fragment {name} ({step}): {outcome.get('msg', f'{module} failed')}"
                failed.pop("ansible_facts", None)
                return failed

        # A restart that the caller knows of: a change outside the fragment that
        # only a new master process applies (Postfix added to a daemon's group).
        asked = args["restart"]
        restart = bool(config.get("restart_required")) or asked
        facts: dict[str, t.Any] = {
            APPLIED_FACT: applied_fragments(task_vars.get(APPLIED_FACT, []), name, state),
        }
        if restart:
            facts[RESTART_FACT] = restart_requests(task_vars.get(RESTART_FACT)) + 1
        result.update(
            changed=asked or any(r.get("changed") for r in ran),
            restart_required=restart,
            fragments=config.get("fragments", []),
            tables=tables,
            ansible_facts=facts,
        )
        diff = merge_diffs(ran)
        if diff:
            result["diff"] = diff
        return result
