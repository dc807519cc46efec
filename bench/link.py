"""A slow network link on loopback: a TCP relay that delays and paces the bytes each way.

This kernel has no netem, so the link is modelled here: each direction serialises its bytes
at `kbit_s` (a chunk leaves when the link has finished sending the ones before it) and then
takes `rtt_ms / 2` to arrive. The relay counts the bytes of each direction, so a benchmark
can read what the desk sent in a window of time."""

from __future__ import annotations

import asyncio
import socket
import threading

CHUNK = 512  # bytes read at a time: small enough that pacing is not lumpy at 64 kbit/s


class SlowLink:
    """`SlowLink(target_port, rtt_ms=300, kbit_s=64)`; connect to `.port`; `.down` / `.up`
    count bytes towards the client (the terminal) and towards the server."""

    def __init__(self, target_port: int, *, rtt_ms: float, kbit_s: float):
        self.target_port = target_port
        self.one_way_s = rtt_ms / 2000
        self.bytes_per_s = kbit_s * 1000 / 8
        self.down = 0
        self.up = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slow-link", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the slow link did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        for writer in (client_w, server_w):  # the link's own delay only, no Nagle on top
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await asyncio.gather(self._pipe(client_r, server_w, "up"), self._pipe(server_r, client_w, "down"))
        except asyncio.CancelledError:
            pass  # the link is closing

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, way: str) -> None:
        queue: asyncio.Queue = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def receive() -> None:
            link_free = 0.0  # when this direction has finished serialising what it was given
            try:
                while data := await reader.read(CHUNK):
                    link_free = max(loop.time(), link_free) + len(data) / self.bytes_per_s
                    queue.put_nowait((link_free + self.one_way_s, data))
            except (ConnectionError, OSError):
                pass
            queue.put_nowait((None, b""))

        async def deliver() -> None:
            try:
                while True:
                    due, data = await queue.get()
                    if due is None:
                        break
                    wait = due - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    writer.write(data)
                    await writer.drain()
                    setattr(self, way, getattr(self, way) + len(data))
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        await asyncio.gather(receive(), deliver())

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _shutdown(self) -> None:
        self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
