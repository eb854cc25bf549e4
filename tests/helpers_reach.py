"""A TCP listener on loopback that records every connection, and the spellings of LOAD CSV
the read paths must refuse without ever connecting to it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator


class Listener:
    """Accepts connections on ``127.0.0.1:port`` in a thread; ``accepted`` counts them. Answers
    each with a tiny CSV over HTTP, so a query that did connect would also get rows."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:  # timeout: look at the stop flag again
                continue
            self.accepted += 1
            with conn:
                with contextlib.suppress(OSError):
                    conn.settimeout(1)
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 4\r\n\r\na,b\n")

    def seen(self, settle_s: float = 0.3) -> int:
        """Connections so far, after giving one in flight time to be accepted."""
        time.sleep(settle_s)
        return self.accepted

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@contextlib.contextmanager
def listener() -> Iterator[Listener]:
    lst = Listener()
    try:
        yield lst
    finally:
        lst.close()


def load_csv_spellings(port: int) -> list[tuple[str, dict]]:
    """(query, params): LOAD CSV of a URL on ``port`` (http and https: FalkorDB fetches only
    https, Neo4j both) or of a server file, written every way both engines accept and more."""
    out: list[tuple[str, dict]] = []
    for scheme in ("http", "https"):
        url = f"{scheme}://127.0.0.1:{port}/x.csv"
        out += [(q, {}) for q in (
            f"LOAD CSV FROM '{url}' AS r RETURN r",
            f"load csv from '{url}' as r return r",
            f"LoAd/*x*/CsV FROM '{url}' AS r RETURN r",
            f"LOAD\nCSV FROM '{url}' AS r RETURN r",
            f"LOAD \t\r\n CSV FROM \"{url}\" AS r RETURN r",
            f"LOAD\u3000CSV FROM '{url}' AS r RETURN r",   # ideographic space: Neo4j runs it
            f"LOAD\u00a0CSV FROM '{url}' AS r RETURN r",   # no-break space: Neo4j runs it
            f"LOAD // why not\nCSV FROM '{url}' AS r RETURN r",
            f"/* LOAD CSV is in a comment here */ LOAD CSV WITH HEADERS FROM '{url}' AS r RETURN r",
            f"USING PERIODIC COMMIT 10 LOAD CSV FROM '{url}' AS r RETURN r",
            f"CALL {{ LOAD CSV FROM '{url}' AS r RETURN r }} RETURN r",
            f"MATCH (n) WITH count(n) AS c LOAD CSV FROM '{url}' AS r RETURN r, c",
            f"RETURN 1 AS r UNION LOAD CSV FROM '{url}' AS r RETURN r",
            f"LOAD CSV FROM '{scheme[:2]}' + '{url[2:]}' AS r RETURN r",  # concatenated URL
            f"CYPHER u='{url}' LOAD CSV FROM $u AS r RETURN r",         # FalkorDB's inline parameters
            "\\u004cOAD CSV FROM $u AS r RETURN r",
        )]
        out.append(("LOAD CSV FROM $u AS r RETURN r", {"u": url}))
    out.append(("LOAD CSV FROM 'file:///etc/hostname' AS r RETURN r", {}))
    out.append(("LOAD CSV FROM 'file://../../../../etc/hostname' AS r RETURN r", {}))
    return out
