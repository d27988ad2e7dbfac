# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""What the unit tests need from ansible-core, on every version that
meta/runtime.yml claims (2.17 to 2.19).

`patch_module_args` is ansible-core's own from 2.19 on
(`ansible.module_utils.testing`); before, module arguments are given to
AnsibleModule through `ansible.module_utils.basic._ANSIBLE_ARGS`, as this
stand-in does.
"""

from __future__ import annotations

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.17 and 2.18
    import contextlib
    import json
    from unittest import mock

    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Expose the given module args to AnsibleModule instances created within this context."""
        if not isinstance(args, (dict, type(None))):
            raise TypeError("The `args` arg must be a dict or None.")
        data = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", data):
            yield


__all__ = ["patch_module_args"]
