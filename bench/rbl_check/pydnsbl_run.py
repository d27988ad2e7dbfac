# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""Run pydnsbl (asyncio + aiodns/c-ares) over the benchmark's addresses and
lists against the benchmark server, and print one JSON line of results.

Usage: python pydnsbl_run.py PORT CONCURRENCY ZONE... -- ADDRESS...
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import warnings
from importlib.metadata import version

warnings.simplefilter("ignore", DeprecationWarning)

import aiodns
import pydnsbl
from pydnsbl.providers import Provider


def main() -> None:
    port, concurrency = int(sys.argv[1]), int(sys.argv[2])
    split = sys.argv.index("--")
    zones, addresses = sys.argv[3:split], sys.argv[split + 1 :]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    checker = pydnsbl.DNSBLIpChecker(
        providers=[Provider(zone) for zone in zones], timeout=5, tries=2, concurrency=concurrency, loop=loop
    )
    # pydnsbl takes its nameservers from resolv.conf: point it at the benchmark server.
    checker._resolver = aiodns.DNSResolver(  # pylint: disable=protected-access
        nameservers=["127.0.0.1"], udp_port=port, tcp_port=port, timeout=5, tries=2, loop=loop
    )
    started = time.monotonic()
    results = checker.bulk_check(addresses)
    elapsed = time.monotonic() - started
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "lookups": sum(len(r.providers) for r in results),
                "listed": sum(len(r.detected_by) for r in results),
                "errors": sum(len(r.failed_providers) for r in results),
                "version": version("pydnsbl"),
            }
        )
    )


if __name__ == "__main__":
    main()
