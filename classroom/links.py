"""Signed, compressed tokens: how an exercise travels in a link (`ex=<token>`) without the server keeping it.

A token is `<body>.<tag>`: the body is base64url(zlib(canonical JSON)), the tag the first TAG_BYTES
of HMAC-SHA256 over DOMAIN + body with the server's secret, base64url (no padding). The tag is checked
before anything is decompressed, the token's length is capped and its decompressed size bounded, so a
changed, damaged, oversized or zip-bomb token costs the server a hash and is refused in words.

The secret is $GRADSCAPE_SECRET, else 32 random bytes made once in the user data folder
(classroom/paths.py, file mode 0600): links stay valid across restarts of one server, and a link
made on one server is refused by another (set the same GRADSCAPE_SECRET on replicas).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import zlib
from pathlib import Path
from typing import Any

from gradscape.classroom.paths import data_dir

SECRET_ENV = "GRADSCAPE_SECRET"
SECRET_FILE = "exercise-secret"
SECRET_BYTES = 32
TAG_BYTES = 16
MAX_TOKEN = 8192  # characters of a token in a link
MAX_JSON = 65536  # bytes a token may decompress to
DOMAIN = b"gradscape exercise token\n"  # what the tag signs besides the body: no other token of this secret passes


class TokenError(ValueError):
    """A token this server did not sign as it is (changed, damaged, another server's); the message says why."""


class ContentError(ValueError):
    """A token this server signed whose content cannot be read (too large once decompressed, not a JSON object)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or len(text) % 4 == 1 or not all(c.isalnum() or c in "-_" for c in text):
        raise TokenError("it is not base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenError("it is not base64url text") from None


def _secret_file() -> Path:
    return data_dir() / SECRET_FILE


def secret() -> bytes:
    """The server's signing secret ($GRADSCAPE_SECRET, else the data folder's file, made on first use);
    OSError when neither is set and the folder cannot be written."""
    value = os.environ.get(SECRET_ENV, "")
    if value:
        return value.encode("utf-8")
    path = _secret_file()
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read_secret(path)
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(SECRET_BYTES))
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) < SECRET_BYTES:  # a file being written by another process, or cut short
        raise OSError(f"the exercise secret {path} is incomplete; delete it to make a new one, or set {SECRET_ENV}")
    return data


def _tag(body: str, key: bytes) -> bytes:
    return hmac.new(key, DOMAIN + body.encode("ascii"), hashlib.sha256).digest()[:TAG_BYTES]


def canonical(payload: dict[str, Any]) -> bytes:
    """The one JSON text of `payload`: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def sign(payload: dict[str, Any], key: bytes) -> str:
    """`payload` as a token signed with `key`; TokenError when it is over MAX_JSON or MAX_TOKEN."""
    raw = canonical(payload)
    if len(raw) > MAX_JSON:
        raise TokenError(f"it holds {len(raw):,} bytes, over the {MAX_JSON:,} an exercise may")
    body = _b64(zlib.compress(raw, 9))
    token = f"{body}.{_b64(_tag(body, key))}"
    if len(token) > MAX_TOKEN:
        raise TokenError(f"it is {len(token):,} characters long, over the {MAX_TOKEN:,} a link may carry")
    return token


def open_token(token: str, key: bytes) -> dict[str, Any]:
    """The payload of a token signed with `key`; TokenError in words for a token it did not sign (too long,
    not two parts, a tag that does not match), ContentError for signed content that is not zlib, too large
    once decompressed, or not a JSON object."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise TokenError(f"it is longer than the {MAX_TOKEN:,} characters an exercise link carries")
    body, dot, tag = token.partition(".")
    if not dot or "." in tag:
        raise TokenError("it is not two parts joined by a dot")
    if not hmac.compare_digest(_unb64(tag), _tag(body, key)):
        raise TokenError("its signature does not match")
    packed = _unb64(body)
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(packed, MAX_JSON + 1)
    except zlib.error:
        raise ContentError("it is not compressed data") from None
    if len(raw) > MAX_JSON or inflate.unconsumed_tail or not inflate.eof or inflate.unused_data:
        raise ContentError(f"it decompresses to more than {MAX_JSON:,} bytes, or is cut short")
    try:
        payload = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ContentError("it does not hold JSON text") from None
    if not isinstance(payload, dict):
        raise ContentError("it does not hold a JSON object")
    return payload


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number an exercise holds")
