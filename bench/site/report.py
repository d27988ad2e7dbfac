# Copyright (c) mailops.postfix contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/site: the floor playbook, and the report (see run)."""

from __future__ import annotations

import collections
import json
import pathlib
import sys


def load(path):
    return [json.loads(line) for line in pathlib.Path(path).read_text().splitlines() if line]


def ran(rows):
    return [r for r in rows if r["status"] != "skipped"]


def floor_playbook(path):
    counts = collections.Counter(r["host"] for r in ran(load(path)))
    plays = []
    for host, count in sorted(counts.items()):
        tasks = "".join(f"    - name: ping {i}\n      ansible.builtin.ping:\n" for i in range(count))
        plays.append(
            f"- name: Floor of {host}, {count} tasks\n  hosts: {host}\n  gather_facts: false\n  tasks:\n{tasks}"
        )
    print("---\n" + "\n".join(plays), end="")


def wall(path):
    start, end = pathlib.Path(path).read_text().split()
    return float(end) - float(start)


def report(out, top):
    out = pathlib.Path(out)
    summary = []
    for pipelining in ("false", "true"):
        site = load(out / f"site-{pipelining}.jsonl")
        floor = load(out / f"floor-{pipelining}.jsonl")
        changed = [r for r in site if r["status"] in ("changed", "failed", "unreachable")]
        ping = {}
        for r in floor:
            ping.setdefault(r["host"], []).append(r["seconds"])
        print(
            f"\n=== pipelining {'on' if pipelining == 'true' else 'off'}: "
            f"site.yml {wall(out / f'site-{pipelining}.wall'):.1f} s wall, "
            f"floor {wall(out / f'floor-{pipelining}.wall'):.1f} s wall (hosts one after the other); "
            f"{len(changed)} task result(s) changed or failed"
        )
        for r in changed:
            print(f"    NOT A NO-CHANGE RUN: {r['host']}: {r['task']}: {r['status']}")
        print(f"{'host':<12} {'tasks':>5} {'site s':>8} {'floor s':>8} {'ratio':>6}")
        total_site = total_floor = 0.0
        for host in sorted(ping):
            rows = ran([r for r in site if r["host"] == host])
            s = sum(r["seconds"] for r in rows)
            f = sum(ping[host])
            total_site += s
            total_floor += f
            print(f"{host:<12} {len(rows):>5} {s:>8.1f} {f:>8.1f} {s / f:>5.2f}x")
        ratio = total_site / total_floor
        print(f"{'all hosts':<12} {'':>5} {total_site:>8.1f} {total_floor:>8.1f} {ratio:>5.2f}x")
        per_ping = total_floor / sum(len(v) for v in ping.values())
        print(f"one ping task: {per_ping:.2f} s on average")
        tasks = collections.defaultdict(list)
        for r in ran(site):
            tasks[r["task"]].append(r)
        slowest = sorted(tasks.items(), key=lambda kv: -sum(r["seconds"] for r in kv[1]))[:top]
        print(f"the {top} slowest tasks (seconds summed over the hosts that ran them; floor = as many pings):")
        print(f"{'task':<78} {'hosts':>5} {'site s':>7} {'floor s':>7} {'ratio':>6}")
        for name, rows in slowest:
            s = sum(r["seconds"] for r in rows)
            f = per_ping * len(rows)
            print(f"{name[:78]:<78} {len(rows):>5} {s:>7.1f} {f:>7.1f} {s / f:>5.1f}x")
        summary.append((pipelining, ratio))
    print("\n=== goal: a no-change run within 2x of the floor (sum over hosts of the seconds per task)")
    for pipelining, ratio in summary:
        met = "yes" if ratio <= 2 else "no"
        print(f"pipelining {'on ' if pipelining == 'true' else 'off'}: {ratio:.2f}x the floor: {met}")


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        floor_playbook(sys.argv[2])
    else:
        report(sys.argv[2], int(sys.argv[3]))
