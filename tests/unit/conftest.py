# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""Make `ansible_collections.mailops.postfix` importable for the unit tests.

The repository root is the collection root; .build/collections holds the
ansible_collections/mailops/postfix link to it (made by the Makefile).
"""

from __future__ import annotations

import os
import sys

COLLECTIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".build", "collections"))

if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
