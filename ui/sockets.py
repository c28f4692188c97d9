"""The server's listening socket with Nagle's algorithm off, so no response waits on a delayed ACK.

Streamlit binds the socket uvicorn serves on itself, as `socket.socket(family)`: its protocol
number is 0, and asyncio turns Nagle's algorithm off only on connections whose protocol says TCP,
so every connection kept it. uvicorn writes a response's headers and its body separately; on a
kept-alive connection the body then waits until the browser acknowledges the headers, and the
browser delays that acknowledgement by up to 40 ms. A first visit fetches ≈ 120 small scripts
over six connections, most of them behind such a wait. Connections accepted on a listening socket
inherit TCP_NODELAY from it (Linux, macOS, the BSDs), so it is set there, once, before the server
accepts: `no_delay` finds the process's listening TCP sockets on a port through its open file
descriptors (/dev/fd; where there is none, nothing changes).
"""

from __future__ import annotations

import os
import socket
import stat


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/dev/fd")]
    except OSError:
        return []


def _listens_on(sock: socket.socket, port: int) -> bool:
    return (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
            and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1 and sock.getsockname()[1] == port)


def no_delay(port: int) -> int:
    """Set TCP_NODELAY on this process's listening TCP sockets bound to `port`; how many there were."""
    done = 0
    for fd in _open_fds():
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor), or not a socket
        try:
            if _listens_on(sock, port):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                done += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor stays open: it is the server's
    return done
