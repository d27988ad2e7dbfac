# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the seconds each host spent on each task (bench/site).

For every task result: the host, the task's name (with its role), its
status and the seconds from the moment the host started the task to its
result, as JSON lines in the file named by HOST_TASK_TIMES.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: host_task_times
type: aggregate
short_description: Seconds per host and per task, as JSON lines (bench/site)
description:
  - Writes one JSON line per task result to the file named by the environment variable HOST_TASK_TIMES.
requirements:
  - enabled in callbacks_enabled
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "host_task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._out = open(os.environ["HOST_TASK_TIMES"], "a", encoding="utf-8")
        self._started = {}
        self._play = ""

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def v2_runner_on_start(self, host, task):
        self._started[(host.get_name(), task._uuid)] = time.monotonic()

    def _record(self, result, status):
        host = result._host.get_name()
        task = result._task
        start = self._started.pop((host, task._uuid), None)
        if start is None:
            return
        self._out.write(
            json.dumps(
                {
                    "play": self._play,
                    "host": host,
                    "task": task.get_name(),
                    "action": task.action,
                    "status": status,
                    "seconds": time.monotonic() - start,
                }
            )
            + "\n"
        )
        self._out.flush()

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
