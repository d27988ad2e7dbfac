# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: mailops.postfix contributors
"""A DNSBL server for the benchmark: UDP on 127.0.0.1, every answer delayed
by --delay seconds (default 0.05), as a distant list would be.

Zones bl1.bench.test .. blN.bench.test; on list j (0-based) the addresses
whose last octet is j modulo 8 are listed (A 127.0.0.2 and a TXT reason),
everything else is NXDOMAIN. Prints "PORT <n>" once it listens, and stops by
itself after --lifetime seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


def listed(name: str, zones: list[str]) -> bool:
    for index, zone in enumerate(zones):
        if name.endswith("." + zone):
            first = name.split(".", 1)[0]
            return first.isdigit() and int(first) % 8 == index
    return False


class Server(asyncio.DatagramProtocol):
    def __init__(self, zones: list[str], delay: float) -> None:
        self.zones = zones
        self.delay = delay
        self.transport: asyncio.DatagramTransport | None = None
        self.queries = 0

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        self.queries += 1
        try:
            query = dns.message.from_wire(data)
        except Exception:
            return
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        if listed(name, self.zones):
            if question.rdtype == dns.rdatatype.A:
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.0.0.2"))
            elif question.rdtype == dns.rdatatype.TXT:
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", '"listed by the benchmark"'))
        else:
            response.set_rcode(dns.rcode.NXDOMAIN)
        wire = response.to_wire()
        asyncio.get_running_loop().call_later(self.delay, self.transport.sendto, wire, addr)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--lists", type=int, default=4)
    parser.add_argument("--lifetime", type=float, default=900)
    args = parser.parse_args()
    zones = [f"bl{i + 1}.bench.test" for i in range(args.lists)]
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: Server(zones, args.delay), local_addr=("127.0.0.1", args.port)
    )
    print(f"PORT {transport.get_extra_info('sockname')[1]}", flush=True)
    try:
        await asyncio.sleep(args.lifetime)
    finally:
        transport.close()
        print(f"QUERIES {protocol.queries}", file=sys.stderr)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
