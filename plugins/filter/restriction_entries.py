# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# The documentation of each filter is in NAME.yml beside this file (ansible-doc -t filter).


def restriction_entries(items, restriction: str, order: int = 50) -> list[dict]:
    entries = []
    for item in items:
        value = f"{restriction} {item}"
        entries.append({"name": value, "order": int(order), "value": value})
    return entries


class FilterModule:
    def filters(self):
        return {"restriction_entries": restriction_entries}
