"""``briefgen serve``: a live preview of every brief and audience in the browser.

Starlette and uvicorn (the ``serve`` extra) are imported only here, so the rest of briefgen
and ``briefgen --help`` never load them. The server listens on 127.0.0.1 unless told
otherwise; :mod:`briefgen.serve.app` has the pages; the file watching is
:func:`briefgen.watch.changes`, the one ``briefgen watch`` uses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

from briefgen.errors import InputError
from briefgen.render import RenderOptions

DEFAULT_PORT = 8765
EXTRA_HINT = "briefgen serve needs its extra: pip install 'briefgen[serve]'"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    options: RenderOptions | None = None,
    watch: bool = True,
):
    """The uvicorn server for ``root`` and the socket it will listen on (already bound, so
    ``port=0`` picks a free port: read it from ``sock.getsockname()``)."""
    try:
        import uvicorn

        from briefgen.serve.app import Preview, create_app
    except ImportError as exc:
        raise InputError(f"{EXTRA_HINT} ({exc.name} is missing)") from None
    preview = Preview(root, options)
    extra_hosts = () if is_loopback(host) else (host,)
    app = create_app(preview, watch=watch, allowed_hosts=extra_hosts)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            preview.close()  # open pages hold an event stream each: end them first
            await super().shutdown(sockets)

    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=3)
    server = Server(config)
    server.preview = preview  # type: ignore[attr-defined]
    return server, sock


def run(
    root: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    options: RenderOptions | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``root`` until interrupted; ``ready(url)`` is called once it listens."""
    server, sock = make_server(root, host, port, options)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    if ready:
        ready(f"http://{shown}:{bound}/")
    server.run(sockets=[sock])
