"""Variable expansion and command lines: `$(VAR)`, shell `$VAR`, tokens, wait loops.

`kube_expand` is the kubelet's rule (env values, command, args); `tokens` then applies
a shell's expansion and splits `command` + `args` into words, each with its line; `scan`
finds the hosts they name: addresses in any word, flag values classified by the flag,
and wait-loop targets (`nc -z db 5432`, `pg_isready -h db`, `/dev/tcp/db/5432`).
Every expansion is bounded (`MAX_EXPANDED`, raising `Oversized`): variables that each
double the one before would otherwise grow to terabytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from depguard.sources import addresses
from depguard.sources.kubernetes import words
from depguard.sources.kubernetes.records import Arg

# What one expanded value may grow to (`$(VAR)` in env values, command and args).
MAX_EXPANDED = 64 * 1024

# the kubelet's `$(VAR)` (and `$$` escape) in env values, command and args
_KUBE_VAR = re.compile(r"\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)")
# a shell's `$VAR`, `${VAR}` and `${VAR:-default}` in scripts
_SHELL_VAR = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
_SHELL_TOKEN = re.compile(r"[;&|()<>`]+|[^\s;&|()<>`]+")
_SEPARATOR = re.compile(r"[;&|()<>`]+")
_DEV_TCP = re.compile(r"/dev/(?:tcp|udp)/([A-Za-z0-9.\-]+)/\d+")
_HOST_PATH = re.compile(r"[A-Za-z0-9.\-]+(?::\d+)?/\S*|[A-Za-z0-9.\-]+:\d+")

# wait-loop tools whose first name argument is the host waited for
_POSITIONAL_TOOLS = frozenset(
    {"nslookup", "host", "dig", "getent", "ping", "nc", "ncat", "netcat", "telnet", "cqlsh"}
)
# options of those tools that take a value (`nc -w 2 db`, `host -t A db`): not the host
_VALUE_FLAGS = frozenset({"-w", "-W", "-c", "-t", "-p", "-i", "-q", "-s", "-x", "-timeout"})
# tools that name the host with -h/--host: database clients and wait scripts
_HOST_FLAG_TOOLS = frozenset(
    {
        "pg_isready",
        "psql",
        "mysql",
        "mysqladmin",
        "redis-cli",
        "mongo",
        "mongosh",
        "clickhouse-client",
        "wait-for-it",
        "wait-for-it.sh",
        "wait-for",
        "wait-for.sh",
        "dockerize",
    }
)
_URL_TOOLS = frozenset({"curl", "wget"})
_WAIT_TOOLS = _POSITIONAL_TOOLS | _HOST_FLAG_TOOLS | _URL_TOOLS
_HOST_FLAGS = frozenset({"-h", "--host", "--hostname"})


class Oversized(ValueError):
    """An expansion that would pass `MAX_EXPANDED` characters."""


def _bounded(text: str, pattern: re.Pattern[str], value: Callable[[re.Match[str]], str]) -> str:
    """`pattern.sub(value, text)`, stopped with Oversized as soon as the result would pass
    `MAX_EXPANDED`: forty variables that each double the one before would otherwise
    grow to terabytes."""
    size = len(text)

    def counted(match: re.Match[str]) -> str:
        nonlocal size
        found = value(match)
        size += len(found) - len(match.group(0))
        if size > MAX_EXPANDED:
            raise Oversized(f"expands to more than {MAX_EXPANDED:,} characters")
        return found

    return pattern.sub(counted, text)


def kube_expand(text: str, env: dict[str, str]) -> str:
    """The kubelet's `$(VAR)`: a known variable's value, an unknown one left as
    written, `$$` a literal `$`."""
    if "$" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return env.get(match.group(1), match.group(0))

    return _bounded(text, _KUBE_VAR, value)


def _shell_expand(text: str, env: dict[str, str]) -> str:
    """A shell's `$VAR`, `${VAR}`, `${VAR:-default}` from the container's variables;
    an unknown variable without a default is left as written."""
    if "$" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        known = env.get(name)
        if match.group(2) is not None:  # ${VAR:-default} / ${VAR-default}
            empty = known is None or (match.group(2) == ":-" and not known)
            return match.group(3) if empty else str(known)
        return known if known is not None else match.group(0)

    return _bounded(text, _SHELL_VAR, value)


@dataclass(frozen=True)
class _Token:
    word: str
    line: int
    arg: Arg
    text: str  # the whole line the word is on, for evidence


@dataclass(frozen=True)
class _Hit:
    host: str
    strong: bool  # a miss is a dangling reference if the name is a single label
    wait: bool  # named by a wait loop
    key: str  # the flag it was given to, for classification
    token: _Token


def tokens(args: list[Arg], env: dict[str, str]) -> Iterator[_Token]:
    """The words of `command` then `args`, expanded; a line break inside one item ends
    a shell command (a `;`), the end of an item does not (items are argv)."""
    for arg in args:
        value = _shell_expand(kube_expand(arg.value.text, env), env)
        changed = value.count("\n") != arg.value.text.count("\n")
        lines = value.split("\n")
        for index, line in enumerate(lines):
            at = arg.value.line_at(0 if changed else index)
            for match in _SHELL_TOKEN.finditer(line[: words.MAX_SCAN]):
                yield _Token(match.group(), at, arg, line)
            if index < len(lines) - 1:
                yield _Token(";", at, arg, line)


def scan(tokens: Iterator[_Token]) -> Iterator[_Hit]:
    """Hosts named on a command line: addresses in any word, and wait-loop targets."""
    tool, flag, positional_done = "", "", False
    for token in tokens:
        if _SEPARATOR.fullmatch(token.word):
            tool, flag = "", ""
            continue
        word = token.word.strip("\"'")
        if not word:
            continue
        if word.rsplit("/", 1)[-1] in _WAIT_TOOLS:
            tool, flag, positional_done = word.rsplit("/", 1)[-1], "", False
            continue
        if word.startswith("-"):
            name, eq, value = word.partition("=")
            flag = "" if eq else name
            if eq:
                yield from _word_hits(token, value, name, tool)
            continue
        key, flag = flag, ""
        if tool in _POSITIONAL_TOOLS and not positional_done and key not in _VALUE_FLAGS:
            host = words.bare(word)
            if host and not word.startswith(("@", "+")):
                positional_done = True
                yield _Hit(host, True, True, key, token)
                continue
        yield from _word_hits(token, word, key, tool)


def _word_hits(token: _Token, word: str, key: str, tool: str) -> Iterator[_Hit]:
    """Hosts in one word given to `key` (a flag, or "" for a positional word)."""
    wait = bool(tool)
    address_key = addresses.is_address_key(words.as_key(key))
    # host -> (strong, wait)
    hosts = dict.fromkeys(addresses.hosts_in(word), (wait or address_key, wait))
    if tool in _URL_TOOLS and "://" not in word and _HOST_PATH.fullmatch(word):
        hosts.update(dict.fromkeys(addresses.hosts_in("http://" + word), (True, True)))
    # `echo > /dev/tcp/db/5432` is bash's way to wait for a port, whatever runs it
    hosts.update({m.group(1).lower(): (True, True) for m in _DEV_TCP.finditer(word)})
    bare = words.bare(word)
    if bare and tool in _HOST_FLAG_TOOLS and key in _HOST_FLAGS:
        hosts.setdefault(bare, (True, True))
    elif bare and address_key:
        hosts.setdefault(bare, (wait or words.is_host_key(key), wait))
    for host, (strong, waits) in hosts.items():
        yield _Hit(host, strong, waits, key, token)
