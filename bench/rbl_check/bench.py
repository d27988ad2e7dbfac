# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""Benchmark of mailops.postfix.rbl_check (run through ansible-playbook)
against pydnsbl and a sequential dig loop, all querying one local DNSBL server
on 127.0.0.1 that delays every answer by 50 ms. Prints, never asserts.

Started by ./run, which prepares dig and a venv with pydnsbl.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

PLAYBOOK = """\
- name: Benchmark rbl_check
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Look up the addresses on the lists
      mailops.postfix.rbl_check:
        addresses: {addresses}
        lists: {zones}
        nameserver: 127.0.0.1:{port}
        concurrency: {concurrency}
        timeout: 5
        deadline: 120
        query_txt: {query_txt}
"""


def start_server(args) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [
            sys.executable,
            os.path.join(HERE, "dnsbl_server.py"),
            "--delay",
            str(args.delay),
            "--lists",
            str(args.lists),
            "--lifetime",
            "900",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline().split()
    if len(line) != 2 or line[0] != "PORT":
        server.kill()
        raise SystemExit(f"benchmark DNS server did not start: {line}")
    return server, int(line[1])


def run_module(args, port: int, zones: list[str], addresses: list[str], query_txt: bool, workdir: str) -> dict:
    collections = os.path.join(workdir, "collections", "ansible_collections", "mailops")
    os.makedirs(collections, exist_ok=True)
    link = os.path.join(collections, "postfix")
    if not os.path.islink(link):
        os.symlink(ROOT, link)
    playbook = os.path.join(workdir, f"bench-{query_txt}.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        handle.write(
            PLAYBOOK.format(
                addresses=json.dumps(addresses),
                zones=json.dumps(zones),
                port=port,
                concurrency=args.concurrency,
                query_txt=str(query_txt).lower(),
            )
        )
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.path.join(workdir, "collections"),
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_HOME=os.path.join(workdir, "ansible-home"),
    )
    env.pop("ANSIBLE_CONFIG", None)
    started = time.monotonic()
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", playbook],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wall = time.monotonic() - started
    try:
        output = json.loads(proc.stdout)
        task = output["plays"][0]["tasks"][0]
        result = task["hosts"]["localhost"]
    except (ValueError, KeyError, IndexError) as err:
        raise SystemExit(
            f"ansible-playbook failed (rc={proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        ) from err
    if result.get("failed"):
        raise SystemExit(f"rbl_check failed: {result.get('msg')}")
    duration = task["task"]["duration"]
    return {
        "wall": wall,
        "task": _seconds(duration["end"]) - _seconds(duration["start"]),
        "elapsed": result["summary"]["elapsed"],
        "lookups": result["summary"]["lookups"],
        "listed": result["summary"]["listed"],
        "errors": result["summary"]["errors"],
    }


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def run_pydnsbl(args, port: int, zones: list[str], addresses: list[str]) -> dict:
    proc = subprocess.run(
        [
            args.pydnsbl_python,
            os.path.join(HERE, "pydnsbl_run.py"),
            str(port),
            str(args.concurrency),
            *zones,
            "--",
            *addresses,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"pydnsbl run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_dig(args, port: int, zones: list[str], addresses: list[str]) -> dict:
    names = [f"{'.'.join(reversed(a.split('.')))}.{zone}" for a in addresses for zone in zones][: args.dig_lookups]
    listed = errors = done = 0
    started = time.monotonic()
    for name in names:
        proc = subprocess.run(
            ["dig", "@127.0.0.1", "-p", str(port), "+tries=1", "+time=2", "+noall", "+comments", "+answer", name, "A"],
            capture_output=True,
            text=True,
            check=False,
        )
        done += 1
        if "status: NOERROR" in proc.stdout and "127.0.0.2" in proc.stdout:
            listed += 1
        elif "status: NXDOMAIN" not in proc.stdout:
            errors += 1
        if time.monotonic() - started > args.dig_max_seconds:
            break
    return {"elapsed": time.monotonic() - started, "lookups": done, "listed": listed, "errors": errors}


def median_run(results: list[dict], key: str) -> dict:
    """The run whose `key` is the median, plus the medians of its other times."""
    ordered = sorted(results, key=lambda r: r[key])
    chosen = dict(ordered[len(ordered) // 2])
    for other in ("wall", "task"):
        if other in chosen:
            chosen[other] = sorted(r[other] for r in results)[len(results) // 2]
    chosen["all"] = [round(r[key], 3) for r in results]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pydnsbl-python", required=True)
    parser.add_argument("--addresses", type=int, default=256, help="at most 256")
    parser.add_argument("--lists", type=int, default=4)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--dig-lookups", type=int, default=int(os.environ.get("BENCH_DIG_LOOKUPS", "1024")))
    parser.add_argument("--dig-max-seconds", type=float, default=float(os.environ.get("BENCH_DIG_MAX_SECONDS", "90")))
    args = parser.parse_args()

    # Only names to look up on the local server: no traffic goes to these addresses.
    network = ipaddress.IPv4Network("198.51.100.0/24")
    addresses = [str(network[i]) for i in range(min(args.addresses, network.num_addresses))]
    zones = [f"bl{i + 1}.bench.test" for i in range(args.lists)]
    total = len(addresses) * len(zones)
    expected_listed = sum(1 for a in addresses for j in range(len(zones)) if int(a.rsplit(".", 1)[1]) % 8 == j)
    bound = total * args.delay / args.concurrency

    workdir = tempfile.mkdtemp(prefix="rbl_check-bench-")
    server, port = start_server(args)
    rows = []
    try:
        # Several rounds, interleaved, and the median of each: the machine is shared.
        runs: dict[str, list[dict]] = {"module": [], "module_a": [], "pydnsbl": []}
        for _round in range(args.rounds):
            runs["module"].append(run_module(args, port, zones, addresses, True, workdir))
            runs["module_a"].append(run_module(args, port, zones, addresses, False, workdir))
            runs["pydnsbl"].append(run_pydnsbl(args, port, zones, addresses))
        module = median_run(runs["module"], "elapsed")
        module_a = median_run(runs["module_a"], "elapsed")
        pyd = median_run(runs["pydnsbl"], "elapsed")
        dig = run_dig(args, port, zones, addresses)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"rbl_check benchmark: {len(addresses)} addresses x {len(zones)} lists = {total} lookups, "
        f"{args.delay * 1000:.0f} ms per answer, concurrency {args.concurrency}, server 127.0.0.1:{port}"
    )
    print(f"expected listings: {expected_listed}; rbl_check and pydnsbl: median of {args.rounds} interleaved rounds")
    print(
        f"lower bound (lookups x latency / concurrency): {total} x {args.delay:g} s / {args.concurrency} = {bound:.3f} s"
        f" ({total / bound:.0f} lookups/s)"
    )
    print()
    header = (
        f"{'run':<46} {'seconds':>8} {'lookups':>8} {'queries':>8} {'lookups/s':>10} {'x bound':>8} "
        f"{'listed':>7} {'errors':>7}"
    )
    print(header)
    print("-" * len(header))

    def row(name: str, seconds: float, lookups: int, listed: int, errors: int, txt: bool = False) -> float:
        # queries: DNS queries sent, the TXT of each listed name included; the bound is for those.
        queries = lookups + (listed if txt else 0)
        rate = lookups / seconds if seconds > 0 else float("inf")
        scaled_bound = queries * args.delay / args.concurrency
        print(
            f"{name:<46} {seconds:>8.3f} {lookups:>8} {queries:>8} {rate:>10.0f} {seconds / scaled_bound:>8.2f} "
            f"{listed:>7} {errors:>7}"
        )
        rows.append((name, rate))
        return rate

    rate_txt = row(
        "rbl_check, queries only (A + TXT of listed)",
        module["elapsed"],
        module["lookups"],
        module["listed"],
        module["errors"],
        txt=True,
    )
    rate_queries = row(
        "rbl_check, queries only (A only)",
        module_a["elapsed"],
        module_a["lookups"],
        module_a["listed"],
        module_a["errors"],
    )
    rate_task = row(
        "rbl_check, Ansible task (A only)",
        module_a["task"],
        module_a["lookups"],
        module_a["listed"],
        module_a["errors"],
    )
    rate_wall = row(
        "rbl_check, whole ansible-playbook (A only)",
        module_a["wall"],
        module_a["lookups"],
        module_a["listed"],
        module_a["errors"],
    )
    rate_pyd = row(
        f"pydnsbl {pyd.get('version') or ''} (aiodns, A only)".replace("  ", " "),
        pyd["elapsed"],
        pyd["lookups"],
        pyd["listed"],
        pyd["errors"],
    )
    rate_dig = row(
        "dig, sequential loop" + (" (sample)" if dig["lookups"] < total else ""),
        dig["elapsed"],
        dig["lookups"],
        dig["listed"],
        dig["errors"],
    )
    print()
    print("ratios of throughput (lookups/s), same work (A only) unless said:")
    print(f"  rbl_check queries / pydnsbl             : {rate_queries / rate_pyd:6.2f}  (goal: >= 1)")
    print(
        f"  rbl_check queries with TXT / pydnsbl    : {rate_txt / rate_pyd:6.2f}  (rbl_check does 1 more query per listing)"
    )
    print(f"  rbl_check Ansible task / pydnsbl        : {rate_task / rate_pyd:6.2f}")
    print(f"  rbl_check whole playbook / pydnsbl      : {rate_wall / rate_pyd:6.2f}")
    print(f"  rbl_check queries / dig loop            : {rate_queries / rate_dig:6.1f}")
    print(f"  pydnsbl / dig loop                      : {rate_pyd / rate_dig:6.1f}")
    print(f"  rbl_check queries (A only) vs the bound : {module_a['elapsed'] / bound:6.2f} x  (goal: <= 2)")
    print(f"  pydnsbl vs the bound                    : {pyd['elapsed'] / bound:6.2f} x")
    print()
    print(f"all rounds (s): rbl_check A+TXT {module['all']}, rbl_check A {module_a['all']}, pydnsbl {pyd['all']}")
    if dig["lookups"] < total:
        print(
            f"  (dig measured on {dig['lookups']} of {total} lookups; its rate is per lookup, its seconds are for those)"
        )


if __name__ == "__main__":
    main()
