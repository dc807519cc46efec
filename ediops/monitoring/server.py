"""The one port ediops listens on (docs/monitoring.md): `/metrics` for Prometheus and `/healthz`
for a load balancer or a monitor, served from a thread of the daemon so a scrape never waits
for the leader's loop (and a hung loop is still reported, by /healthz's 503)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - one line per scrape is noise
        pass


@dataclass
class Server:
    httpd: _Server
    thread: threading.Thread

    @property
    def address(self) -> str:
        host, port = str(self.httpd.server_address[0]), self.httpd.server_address[1]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def parse_listen(listen: str) -> tuple[str, int]:
    """`host:port` (`[::1]:9464` for IPv6); ValueError when it is not one."""
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"metrics_listen {listen!r} is not host:port (e.g. 127.0.0.1:9464)")
    return host.strip("[]") or "127.0.0.1", int(port)


def listen_problem(value) -> str | None:
    """`ediops config check`'s word on metrics_listen: "" (none) or host:port."""
    if value == "":
        return None
    try:
        parse_listen(value)
    except (ValueError, AttributeError):
        return f'must be "host:port" like "127.0.0.1:9464", or "" for none, not {value!r}'
    return None


def start(listen: str, registry, healthz: Callable[[], tuple[bool, str]]) -> Server:
    """Serves until the process ends (a daemon thread). `healthz()` gives (healthy, one line)."""
    from prometheus_client import make_wsgi_app

    metrics = make_wsgi_app(registry)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path == "/healthz":
            try:
                healthy, line = healthz()
            except Exception as exc:  # the check itself failed: unknown, which is not healthy
                healthy, line = False, f"UNKNOWN: {type(exc).__name__}: {exc}"
            start_response("200 OK" if healthy else "503 Service Unavailable", [("Content-Type", "text/plain")])
            return [f"{line}\n".encode("utf-8")]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"ediops serves /metrics and /healthz\n"]

    host, port = parse_listen(listen)
    httpd = make_server(host, port, app, server_class=_Server6 if ":" in host else _Server, handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, name="ediops-metrics", daemon=True)
    thread.start()
    return Server(httpd, thread)
