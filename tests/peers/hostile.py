"""Hostile issuers as one real HTTP server on 127.0.0.1 (a thread of the test process): each
path prefix `/XX` is an issuer that misbehaves its own way. Every request is counted."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.records import batch, licence

HOSTILE = {
    "QS": "slow",  # one byte every second, for ever
    "QP": "poison",  # a page of poison batches around a good one
    "QD": "deep",  # an answer nested 5,000 deep
    "QH": "huge",  # an answer over the size limit
    "QR": "429",  # Retry-After: 3600
    "QL": "302",  # a redirect
}


def poison_page(code: str) -> bytes:
    """Batches that broke every feed pass before: a 26-digit quantity, a lone surrogate, a
    record_count of 2^63, a duplicate key; and one good batch that must be stored."""
    good = batch(licence(f"00-{code}-000001"), batch_id=f"{code}-GOOD", issuer=code)
    long_qty = batch(licence(f"00-{code}-000002", quantity="1" * 26), batch_id=f"{code}-QTY", issuer=code)
    surrogate = json.dumps(batch(licence(f"00-{code}-000003"), batch_id=f"{code}-SUR", issuer=code)).replace(
        '"Maize"', '"Ma\\ud800ize"'
    )
    huge_count = batch(licence(f"00-{code}-000004"), batch_id=f"{code}-CNT", issuer=code) | {"record_count": 2**63}
    duplicate = json.dumps(batch(licence(f"00-{code}-000005"), batch_id=f"{code}-DUP", issuer=code))[:-1]
    duplicate += ', "batch_id": "other"}'
    batches = ", ".join([json.dumps(long_qty), surrogate, json.dumps(huge_count), duplicate, json.dumps(good)])
    return ('{"batches": [' + batches + '], "next": "p1"}').encode()


class HostileIssuers:
    def __init__(self):
        self.requests: Counter = Counter()
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # acks
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                self._send(200, b'{"ok": true}')

            def do_GET(self):
                code = self.path.strip("/").split("/")[0]
                owner.requests[code] += 1
                kind = HOSTILE.get(code)
                after = "after=p1" in self.path
                if kind == "slow":
                    return self._dribble()
                if kind == "poison":
                    body = b'{"batches": [], "next": "p1"}' if after else poison_page(code)
                    return self._send(200, body)
                if kind == "deep":
                    return self._send(200, b'{"batches": ' + b"[" * 5000 + b"]" * 5000 + b', "next": "x"}')
                if kind == "huge":
                    return self._send(200, b'{"batches": [], "pad": "' + b"x" * 300_000 + b'", "next": "x"}')
                if kind == "429":
                    return self._send(429, b'{"error": "slow down"}', {"Retry-After": "3600"})
                if kind == "302":
                    return self._send(302, b"", {"Location": "http://127.0.0.1:9/elsewhere"})
                self._send(404, b'{"error": "no such issuer"}')

            def _send(self, status: int, body: bytes, headers: dict | None = None):
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _dribble(self):
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", "50000")
                self.end_headers()
                try:
                    while not owner.stopping.is_set():
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(1)
                except OSError:
                    pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # the centre hangs up on the slow one
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def peers_toml(self, token_envs: dict[str, str]) -> str:
        return "".join(
            f'\n[[issuers]]\ncode = "{code}"\nname = "hostile {kind}"\n'
            f'url = "http://127.0.0.1:{self.port}/{code}"\ntoken_env = "{token_envs[code]}"\ncutoff = "17:00"\n'
            for code, kind in HOSTILE.items()
        )
