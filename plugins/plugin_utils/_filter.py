# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every filter file of the collection needs from Ansible, written once.

A filter file documents one filter and ends with
``FilterModule = filter_module(the_filter)``; a filter whose checks raise
their own exception type declares it with :func:`filter_errors`, so that
the user sees Ansible's filter error with the check's message.
"""

from __future__ import annotations

import functools
import typing as t

from ansible.errors import AnsibleFilterError


def filter_errors(
    *errors: type[Exception], prefix: str = ""
) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """Decorate a filter: an exception of a type in ``errors`` becomes AnsibleFilterError, after ``prefix``."""

    def decorate(function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(function)
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            try:
                return function(*args, **kwargs)
            except errors as exc:
                raise AnsibleFilterError(f"{prefix}{exc}") from None

        return wrapper

    return decorate


def filter_module(function: t.Callable[..., t.Any]) -> type:
    """Return the FilterModule class that Ansible loads from a filter file, offering ``function`` under its name."""

    class FilterModule:
        def filters(self) -> dict[str, t.Callable[..., t.Any]]:
            return {function.__name__: function}

    return FilterModule
