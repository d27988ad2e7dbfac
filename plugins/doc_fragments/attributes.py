# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """What every module of the collection documents alike: its author, and
    the three attributes, each supported in full unless the module says
    otherwise. A module extends this fragment and gives, for each attribute,
    its C(details) and, where it differs, its C(support). A module that only
    reads extends C(mailops.postfix.attributes.read_only) first: of two
    fragments, the one listed first wins."""

    DOCUMENTATION = r"""
options: {}
author:
  - mailops.postfix contributors (@mailops)
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Returns details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
"""

    # The attributes of a module that only reads (rbl_check, platform_check).
    READ_ONLY = r"""
options: {}
attributes:
  check_mode:
    details:
      - Runs in check mode exactly as without it; it only reads.
  diff_mode:
    support: none
    details:
      - Nothing changes, so there is no diff.
  idempotent:
    details:
      - The module never changes anything.
"""
