"""Find the hosts that an environment value names, and say what kind of edge that makes.

Pure functions over strings, shared by every source that reads environment variables
(compose now, Kubernetes next): they know nothing about files, YAML or graphs.

`hosts_in` reads the shapes addresses are written in:

- URLs, with user and password, several hosts and any scheme:
  `postgres://app:pw@db:5432/app`, `mongodb://a:27017,b:27017/x`, `amqp://rabbit`;
- JDBC URLs: `jdbc:postgresql://db:5432/app`, `jdbc:sqlserver://db:1433;databaseName=x`,
  `jdbc:oracle:thin:@db:1521:ORCL`;
- connection strings: `Host=db;Port=5432`, `Server=db,1433`, `Data Source=tcp:db,1433`,
  libpq's `host=db port=5432`;
- `host:port` words, alone or in lists: `kafka:9092,kafka-2:9092`, `-Dbroker=kafka:9092`.

It never returns IP addresses (no service is named by one) nor `localhost` (which names
the caller itself, never another service). A bare word is not an address on its own: a
source asks `references`, which also accepts a value that *is* a service name, but only
under an address-like variable name, because `POSTGRES_USER=keycloak` is a user name, not
a call to the keycloak service.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping

from depguard.model import Strength

# scheme://authority, found anywhere in a value. A JDBC URL matches from its sub-protocol
# (`jdbc:postgresql://db` matches `postgresql://db`); `;` ends the authority because
# SQL Server's JDBC URLs put their properties right after it.
_URL = re.compile(r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://([^/?#\s\"'<>;\\]*)")
# a comma that starts another URL in a list (`http://a:1,http://b:2`): not a host separator
_URL_LIST_COMMA = re.compile(r",(?=\s*[A-Za-z][A-Za-z0-9+.\-]*://)")
# Oracle's thin driver: jdbc:oracle:thin:[user/pass]@host:port:sid or @//host:port/service
_ORACLE = re.compile(r"jdbc:oracle:[A-Za-z]+:[^@\s]*@(?://)?([^:/\s;,()]+)", re.IGNORECASE)
# connection-string keys that hold a server (ADO.NET, Npgsql, libpq, ODBC); longest first
# so "Network Address" is not read as "Address"
_HOST_KEY = re.compile(
    r"(?:^|[;\s])(?:network address|data source|datasource|hostname|hostaddr|host|server"
    r"|address|addr)\s*=\s*(\"[^\"]*\"|'[^']*'|[^;\s]*)",
    re.IGNORECASE,
)
_PROTOCOL_PREFIX = re.compile(r"^(?:tcp|np|lpc|admin):", re.IGNORECASE)
_HOST_PORT = re.compile(r"^(?:[^@\s]*@)?([A-Za-z0-9_.\-]+):(\d{1,5})$")
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9_.\-]*[a-z0-9])?$")
_WORD_SPLIT = re.compile(r"[\s,;]+")

# keys whose value is a secret: masked whole, wherever the key is written
_SECRET_WORDS = ("PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "KEY", "CREDENTIALS")
# key=value pairs inside a value whose value is a secret (connection strings, query
# strings, OTLP headers); the value runs to the next separator, so over-masking a libpq
# `password=x dbname=y` hides dbname too: hiding too much is safe, leaking is not
_SECRET_PAIR = re.compile(
    r"(?i)((?<![A-Za-z0-9_.\-])[A-Za-z0-9_.\-]*"
    r"(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|authorization)"
    r"\s*=\s*)[^;&,]*"
)
# the password of a URL's user info: scheme://user:PASSWORD@host
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)[^@\s/]+(?=@)"
)
# Oracle's thin driver writes user/password@host
_ORACLE_PASSWORD = re.compile(r"(jdbc:oracle:[A-Za-z]+:[^/@\s:]*/)[^@\s]+(?=@)", re.IGNORECASE)
MASK = "***"

# Variables that point at tracing, metrics or error collectors: a service keeps serving
# when these are down, so their edges are telemetry and soft. Rules can reclassify more.
TELEMETRY_PATTERNS = (
    "OTEL_*",
    "*OTLP*",
    "JAEGER_*",
    "ZIPKIN_*",
    "*COLLECTOR*",
    "*TELEMETRY*",
    "*TRACING*",
    "DD_AGENT_*",
    "DD_TRACE_*",
    "DD_DOGSTATSD_*",
    "*STATSD*",
    "SENTRY_DSN",
)

# Words of a variable name that say its value is where to reach something: a bare
# service name under such a key (`DB_HOST=db`, `PGHOST=db`) is a call to that service.
_ADDRESS_WORDS = frozenset(
    {
        "HOST",
        "HOSTS",
        "HOSTNAME",
        "SERVER",
        "SERVERS",
        "ADDR",
        "ADDRESS",
        "ADDRESSES",
        "ENDPOINT",
        "ENDPOINTS",
        "URL",
        "URLS",
        "URI",
        "URIS",
        "DSN",
        "BROKER",
        "BROKERS",
        "BOOTSTRAP",
        "UPSTREAM",
        "BACKEND",
        "CONNECT",
        "CONNECTION",
        "PEERS",
        "SEEDS",
        "NODES",
    }
)
# glued suffixes: PGHOST, MYSQLHOST, DATABASEURL
_ADDRESS_SUFFIXES = ("HOST", "HOSTS", "URL", "URI", "ADDR")


def hosts_in(value: str) -> list[str]:
    """The host names written in `value`, lower-cased, in order, each once.

    IP addresses and `localhost` are left out; a value with no address gives [].
    """
    value = _URL_LIST_COMMA.sub(" ", value)
    found: list[str] = []
    for match in _URL.finditer(value):
        found.extend(_authority_hosts(match.group(1)))
    found.extend(m.group(1) for m in _ORACLE.finditer(value))
    for match in _HOST_KEY.finditer(value):
        found.extend(_server_hosts(match.group(1)))
    # what is left after the URLs is read word by word for host:port
    rest = _ORACLE.sub(" ", _URL.sub(" ", value))
    found.extend(_host_port_words(rest))
    return _unique(host for host in map(_normalise, found) if _is_name(host))


def references(key: str, value: str, names: Mapping[str, str]) -> list[str]:
    """The services that variable `key=value` points at.

    `names` maps every host name a service answers to (lower-case) to the service. A
    host found by `hosts_in` counts; so does the whole value (or each item of a comma
    list) when it is a known name and `key` is address-like (see `is_address_key`).
    """
    hosts = hosts_in(value)
    if is_address_key(key):
        hosts.extend(word.lower() for word in _WORD_SPLIT.split(value.strip()) if word)
    return _unique(names[host] for host in hosts if host in names)


def is_address_key(key: str) -> bool:
    """Whether a variable's name says its value is where to reach something."""
    words = [w for w in re.split(r"[^A-Z0-9]+", key.upper()) if w]
    return any(w in _ADDRESS_WORDS or w.endswith(_ADDRESS_SUFFIXES) for w in words)


# a message broker: the dependent queues work and goes on (async, soft)
ASYNC_PATTERNS = (
    "*BROKER*",
    "*KAFKA*",
    "*RABBIT*",
    "*AMQP*",
    "*NATS*",
    "*MQTT*",
    "*PULSAR*",
    "*QUEUE_URL*",
    "*EVENT_BUS*",
)
_ASYNC_SCHEMES = re.compile(
    r"^\s*(amqps?|kafka|nats|mqtts?|pulsar(\+ssl)?|sqs|stomp)://", re.IGNORECASE
)
# an address handed to others to call back: configuration, not a call (config, soft)
CONFIG_PATTERNS = (
    "*CALLBACK*",
    "*WEBHOOK*",
    "*REDIRECT_URI*",
    "*REDIRECT_URL*",
    "*RETURN_URL*",
    "*PUBLIC_URL*",
    "*EXTERNAL_URL*",
)


def classify_env(key: str, value: str = "") -> tuple[str, Strength]:
    """(kind, strength) of an edge read from variable `key` (holding `value`): telemetry
    for tracing, metrics and error collectors; async for message brokers; config for
    callback and public URLs, all soft; otherwise runtime and hard. The built-in rules;
    a config's `edges:` rules can override them."""
    upper = key.upper()
    if any(fnmatch.fnmatchcase(upper, pattern) for pattern in TELEMETRY_PATTERNS):
        return ("telemetry", "soft")
    if any(fnmatch.fnmatchcase(upper, pattern) for pattern in CONFIG_PATTERNS):
        return ("config", "soft")
    if _ASYNC_SCHEMES.match(value) or any(
        fnmatch.fnmatchcase(upper, pattern) for pattern in ASYNC_PATTERNS
    ):
        return ("async", "soft")
    return ("runtime", "hard")


def mask(value: str, key: str = "") -> str:
    """`value` with every password it holds replaced by `***`, safe to show in evidence.

    A variable whose name ends in a secret word (`DB_PASSWORD`, `JWT_SECRET`,
    `AWS_SECRET_ACCESS_KEY`) is masked whole; otherwise URL passwords and secret
    `key=value` pairs inside the value are.
    """
    if key and _is_secret_key(key):
        return MASK if value else value
    value = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK, value)
    value = _ORACLE_PASSWORD.sub(lambda m: m.group(1) + MASK, value)
    return _SECRET_PAIR.sub(lambda m: m.group(1) + MASK, value)


def _is_secret_key(key: str) -> bool:
    words = [w for w in re.split(r"[^A-Z0-9]+", key.upper()) if w]
    return bool(words) and words[-1].endswith(_SECRET_WORDS)


def _authority_hosts(authority: str) -> list[str]:
    """Hosts of a URL authority: `user:pw@a:1,b:2` -> [a, b]."""
    hosts = authority.rpartition("@")[2]
    return [_strip_port(part) for part in hosts.split(",") if part.strip()]


def _server_hosts(text: str) -> list[str]:
    """Hosts of a connection string's server value: `tcp:db,1433`, `db\\SQLEXPRESS`,
    `h1:5432,h2`, `db:1521/ORCL`. A URL here was already read by the URL scan."""
    text = text.strip("\"'")
    if "://" in text:
        return []
    text = _PROTOCOL_PREFIX.sub("", text.strip())
    hosts = []
    for piece in text.split(","):
        piece = re.split(r"[\\/]", piece.strip(), maxsplit=1)[0]
        # SQL Server writes the port after a comma: `db,1433` is one host, not two
        if piece and not piece.isdigit():
            hosts.append(_strip_port(piece))
    return hosts


def _host_port_words(text: str) -> list[str]:
    """Hosts of `host:port` words; `-Dflag=host:port` counts, `password=x:1` does not."""
    hosts = []
    for word in _WORD_SPLIT.split(text):
        word = word.strip("\"'()[]{}")
        if "=" in word:
            key, _, word = word.partition("=")
            if _SECRET_PAIR.match(key + "="):
                continue
        match = _HOST_PORT.match(word)
        if match:
            hosts.append(match.group(1))
    return hosts


def _strip_port(host: str) -> str:
    host = host.strip()
    if host.startswith("["):  # [IPv6]:port
        return host[1:].partition("]")[0]
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() and ":" not in name else host


def _normalise(host: str) -> str:
    # host names are case-insensitive, and a trailing dot only says "fully qualified"
    return host.strip().lower().rstrip(".")


def _is_name(host: str) -> bool:
    """A DNS name that could be a service: no IPs (they have no letters, or colons),
    no `localhost` (the caller itself)."""
    if not _NAME.match(host) or not any(c.isalpha() for c in host):
        return False
    return host != "localhost" and not host.endswith(".localhost")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
