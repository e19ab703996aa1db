"""What a word or a variable name says: a host by itself, a host-like key, telemetry.

Shared by the command-line scanner (`commands`) and the edge emitter (`emit`).
`MAX_SCAN` bounds how much of one line is scanned for addresses: the address patterns
slow down on long runs of letters, and no address is that long.
"""

from __future__ import annotations

import re

from depguard.sources import addresses

MAX_SCAN = 2048
_BARE_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
_NOT_HOSTS = frozenset({"hosts", "ahosts", "ahostsv4", "ahostsv6", "localhost"})
# words of a variable name that say a bare value is a host (not just an address-like
# word: `CACHE_BACKEND=redis` chooses a kind of cache, it does not name a host)
_HOST_WORDS = frozenset({"HOST", "HOSTS", "HOSTNAME", "SERVER", "SERVERS", "ADDR", "ADDRESS"})


def as_key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name.strip("-")).upper()


def is_host_key(key: str) -> bool:
    """A name that says its bare value is a host (`DB_HOST`, `PGHOST`, `REDIS_ADDR`)."""
    words = [w for w in as_key(key).split("_") if w]
    return any(w in _HOST_WORDS or w.endswith(("HOST", "ADDR")) for w in words)


def is_telemetry(*names: str) -> bool:
    return any(addresses.classify_env(as_key(n))[0] == "telemetry" for n in names if n)


def image_name(image: str) -> str:
    """`otel/opentelemetry-collector-contrib:0.98@sha256:...` -> the repository's last part."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]


def bare(word: str) -> str:
    """A word that can be a host name by itself, lower-cased; "" otherwise."""
    host = word.lower().rstrip(".")
    if not _BARE_NAME.fullmatch(host) or not any(c.isalpha() for c in host):
        return ""
    return "" if host in _NOT_HOSTS or host.endswith(".localhost") else host
