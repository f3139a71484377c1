"""Attachment storage: content-addressed files in a local directory (S3-compatible later)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, UTCDateTime
from anguan.core.time import utcnow


class StoredFile(IdMixin, Base):
    """Metadata of an uploaded attachment; the bytes live in the file store under `key`."""

    __tablename__ = "stored_file"

    key: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LocalFileStore:
    """Writes each file once under its SHA-256; a write is durable (fsync) before it returns."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("bad file key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        """Store bytes; returns their key (the SHA-256 hex digest)."""
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        """Read a stored file's bytes."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """True when the key is stored."""
        try:
            return self._path(key).exists()
        except ValueError:
            return False
