# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every action plugin of the collection declares and does before its own work, written once.

An action file defines ``class ActionModule(CollectionAction)`` with its
``ARGUMENT_SPEC`` (left empty, the action takes no options) and its
``act()``. The base runs on the controller, transfers no files, supports
check mode and not async, refuses options outside the spec, and validates
the options against the spec before ``act()`` gets them.
"""

from __future__ import annotations

import typing as t

from ansible.plugins.action import ActionBase


class CollectionAction(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False
    ARGUMENT_SPEC: t.ClassVar[dict[str, t.Any]] = {}

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._VALID_ARGS = frozenset(cls.ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        args: dict[str, t.Any] = {}
        if self.ARGUMENT_SPEC:
            _validation, args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)
        return self.act(result, args, task_vars)

    def act(self, result: dict[str, t.Any], args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """The action's own work: ``result`` is ActionBase's, ``args`` the validated options."""
        raise NotImplementedError
