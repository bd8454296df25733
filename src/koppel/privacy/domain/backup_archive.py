"""The encrypted backup archive (`.kbak`): a manifest and a database dump, sealed in chunks.

Layout (format 1):

    header   b"KBAK", format (1 byte), scrypt log2(n), r, p (1 byte each), salt (16), nonce prefix (7)
    chunks   each: length of the sealed chunk (4 bytes, big-endian), then the chunk sealed with
             AES-256-GCM; the header is the associated data of every chunk

The key is derived from the backup passphrase with scrypt and the archive's own salt. A chunk's nonce
is the archive's random prefix, the chunk's number (4 bytes) and a last-chunk flag (1 byte), so chunks
cannot be dropped, reordered or cut off at the end without the reader noticing (the STREAM
construction). The first chunk is the manifest (JSON); the dump follows in chunks of at most
CHUNK_SIZE bytes, so a dump of any size is encrypted and decrypted in constant memory.

Nothing here knows about Django: it reads and writes bytes.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"KBAK"
FORMAT = 1
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SALT_SIZE = 16
PREFIX_SIZE = 7
HEADER_SIZE = len(MAGIC) + 4 + SALT_SIZE + PREFIX_SIZE
# scrypt: 2**15 x 8 x 128 bytes = 32 MiB of memory and a fraction of a second per archive.
SCRYPT_LOG2_N = 15
SCRYPT_R = 8
SCRYPT_P = 1


class ArchiveError(Exception):
    """The archive cannot be read: not an archive, the wrong key, or damaged."""


class WrongKey(ArchiveError):
    pass


@dataclass(frozen=True)
class Header:
    raw: bytes
    log2_n: int
    r: int
    p: int
    salt: bytes
    prefix: bytes


def _derive(passphrase: str, header: Header) -> AESGCM:
    kdf = Scrypt(salt=header.salt, length=32, n=2**header.log2_n, r=header.r, p=header.p)
    return AESGCM(kdf.derive(passphrase.encode()))


def _nonce(header: Header, number: int, last: bool) -> bytes:
    return header.prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


def _new_header() -> Header:
    salt, prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
    raw = MAGIC + bytes([FORMAT, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt + prefix
    return Header(raw=raw, log2_n=SCRYPT_LOG2_N, r=SCRYPT_R, p=SCRYPT_P, salt=salt, prefix=prefix)


def _parse_header(raw: bytes) -> Header:
    if len(raw) < HEADER_SIZE or raw[: len(MAGIC)] != MAGIC:
        raise ArchiveError("This file is not a Koppel backup archive.")
    version, log2_n, r, p = raw[4:8]
    if version != FORMAT:
        raise ArchiveError(f"This archive has format {version}; this Koppel reads format {FORMAT}.")
    # Bounds on the cost a header may ask for: a crafted header must not take all memory.
    if not (14 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise ArchiveError("This archive's header is damaged.")
    salt = raw[8 : 8 + SALT_SIZE]
    prefix = raw[8 + SALT_SIZE : HEADER_SIZE]
    return Header(raw=raw[:HEADER_SIZE], log2_n=log2_n, r=r, p=p, salt=salt, prefix=prefix)


def write_archive(out: BinaryIO, passphrase: str, manifest: dict[str, Any], body: Iterable[bytes]) -> None:
    """Write the header, the sealed manifest and the sealed body (blocks of at most CHUNK_SIZE) to
    `out`. The body is read one block ahead, so its last block is the one flagged last."""
    header = _new_header()
    aead = _derive(passphrase, header)
    out.write(header.raw)
    number = 0

    def seal(data: bytes, last: bool) -> None:
        nonlocal number
        sealed = aead.encrypt(_nonce(header, number, last), data, header.raw)
        out.write(struct.pack(">I", len(sealed)))
        out.write(sealed)
        number += 1

    seal(json.dumps(manifest, sort_keys=True).encode(), last=False)
    pending: bytes | None = None
    for block in _blocks(body):
        if pending is not None:
            seal(pending, last=False)
        pending = block
    seal(pending or b"", last=True)


def _blocks(body: Iterable[bytes]) -> Iterator[bytes]:
    for block in body:
        for start in range(0, len(block), CHUNK_SIZE):
            yield block[start : start + CHUNK_SIZE]


class ArchiveReader:
    """An archive opened with a passphrase: `manifest` is read at once (a wrong key fails here,
    before anything is done), `body()` decrypts the dump chunk by chunk."""

    def __init__(self, stream: BinaryIO, passphrase: str):
        self.stream = stream
        self.header = _parse_header(stream.read(HEADER_SIZE))
        self.aead = _derive(passphrase, self.header)
        try:
            first = self._read_sealed()
            if first is None:
                raise ArchiveError("This archive is empty after its header.")
            raw = self.aead.decrypt(_nonce(self.header, 0, False), first, self.header.raw)
        except InvalidTag:
            raise WrongKey(
                "The backup key does not open this archive (a different BACKUP_ENCRYPTION_KEY, or a "
                "damaged file)."
            ) from None
        try:
            self.manifest: dict[str, Any] = json.loads(raw)
        except ValueError:
            raise ArchiveError("This archive's manifest is damaged.") from None
        self._body_offset = stream.tell()

    def _read_sealed(self) -> bytes | None:
        length_bytes = self.stream.read(4)
        if not length_bytes:
            return None
        if len(length_bytes) != 4:
            raise ArchiveError("This archive is cut off.")
        (length,) = struct.unpack(">I", length_bytes)
        if length > CHUNK_SIZE + TAG_SIZE or length < TAG_SIZE:
            raise ArchiveError("This archive is damaged (a chunk of impossible length).")
        sealed = self.stream.read(length)
        if len(sealed) != length:
            raise ArchiveError("This archive is cut off.")
        return sealed

    def body(self) -> Iterator[bytes]:
        """The dump's blocks, each authenticated before it is handed out. Raises ArchiveError on a
        damaged, reordered or cut-off archive, or data after the last chunk."""
        self.stream.seek(self._body_offset)
        number = 1
        while True:
            sealed = self._read_sealed()
            if sealed is None:
                raise ArchiveError("This archive is cut off (its last chunk is missing).")
            try:
                block = self.aead.decrypt(_nonce(self.header, number, False), sealed, self.header.raw)
                last = False
            except InvalidTag:
                try:
                    block = self.aead.decrypt(_nonce(self.header, number, True), sealed, self.header.raw)
                except InvalidTag:
                    raise ArchiveError(f"This archive is damaged (chunk {number}).") from None
                last = True
            yield block
            number += 1
            if last:
                if self.stream.read(1):
                    raise ArchiveError("This archive has data after its last chunk.")
                return

    def verify(self) -> int:
        """Read the whole body once, authenticating every chunk; returns the dump's size in bytes."""
        return sum(len(block) for block in self.body())
