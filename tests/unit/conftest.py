# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""Make `ansible_collections.mailops.postfix` importable for the unit tests.

The repository root is the collection root; .build/collections holds the
ansible_collections/mailops/postfix link to it (made by the Makefile).
"""

from __future__ import annotations

import os
import sys
import time

COLLECTIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".build", "collections"))

if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)


# The unit tests of the queue module (module_utils/test__queue.py and
# modules/test_queue.py) build their `postqueue -j` records with this one helper.
NOW = int(time.time())


def rec(
    queue_id: str = "A1",
    queue: str = "deferred",
    sender: str = "alice@src.test",
    rcpts: tuple = ("bob@x.test",),
    age: int = 60,
    size: int = 1000,
    reason: str | None = "connection timed out",
    now: int = NOW,
) -> dict:
    """One queue file object as `postqueue -j` prints it.

    A recipient is an address, which gets ``reason`` as its delay reason when
    the message is deferred, or an ``(address, reason)`` pair (``None``: no
    reason).
    """
    recipients = []
    for rcpt in rcpts:
        address, why = rcpt if isinstance(rcpt, tuple) else (rcpt, reason if queue == "deferred" else None)
        recipients.append(dict(address=address, **({"delay_reason": why} if why is not None else {})))
    return {
        "queue_name": queue,
        "queue_id": queue_id,
        "arrival_time": now - age,
        "message_size": size,
        "forced_expire": False,
        "sender": sender,
        "recipients": recipients,
    }
