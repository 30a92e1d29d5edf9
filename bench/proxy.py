"""A round-robin TCP proxy, the load balancer in front of several Odoo servers in the benchmarks.

Each accepted connection goes to the next server in turn; bytes are copied both ways until either
side closes. Started in a thread of the benchmark process: ``start_proxy(port, [port_a, port_b])``.
"""

import asyncio
import itertools
import threading


async def _pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


def start_proxy(port, upstream_ports, host="127.0.0.1"):
    """Listen on ``port`` and spread connections over ``upstream_ports``; return the serving thread."""
    turn = itertools.cycle(upstream_ports)
    ready = threading.Event()

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, next(turn))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, server_writer), _pipe(server_reader, client_writer))

    async def serve():
        server = await asyncio.start_server(handle, host, port, backlog=1024)
        ready.set()
        async with server:
            await server.serve_forever()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    ready.wait(10)
    return thread
