"""A small SMTP server on localhost for fault tests, in a thread: one that answers, one that accepts
connections and never says a word, and one that takes the whole mail and then never confirms it."""

import socket
import threading
from contextlib import contextmanager, suppress
from email import message_from_bytes

OK, SILENT, HANG_AFTER_DATA = "ok", "silent", "hang_after_data"


class SMTPServer:
    def __init__(self, mode: str = OK):
        self.mode = mode
        self.messages: list = []  # email.message.Message, one per DATA received
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> "SMTPServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for connection in [self._socket, *self._connections]:
            with suppress(OSError):
                connection.close()

    def _serve(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _address = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self._connections.append(connection)
            if self.mode != SILENT:  # SILENT: accept, and never answer
                threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        reader = connection.makefile("rb")

        def say(line: str) -> None:
            connection.sendall(line.encode() + b"\r\n")

        try:
            say("220 localhost test SMTP")
            while not self._stop.is_set():
                line = reader.readline()
                if not line:
                    return
                command = line.strip().split(b" ", 1)[0].upper()
                if command == b"EHLO":
                    say("250 localhost")
                elif command == b"DATA":
                    say("354 go ahead")
                    data = b""
                    while (chunk := reader.readline()) not in (b".\r\n", b""):
                        data += chunk
                    self.messages.append(message_from_bytes(data))
                    if self.mode == HANG_AFTER_DATA:
                        self._stop.wait()
                        return
                    say("250 queued")
                elif command == b"QUIT":
                    say("221 bye")
                    return
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    say("250 ok")
        except OSError:
            return


@contextmanager
def smtp_server(mode: str = OK):
    server = SMTPServer(mode).start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A port on localhost nobody listens on (it was free a moment ago)."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


def smtp_mailers(port: int, *, timeout: float = 1) -> dict:
    """MAILERS for the real SMTP backend talking to localhost:port without TLS."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
        }
    }
