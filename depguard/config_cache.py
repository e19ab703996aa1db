"""Validated configs kept between runs, so that an unchanged config is not validated again.

Validating a config means importing pydantic and building its validators: about 0.08 s,
most of a small project's warm run and a pre-commit hook's whole budget. A config that
validated is kept as its frozen objects, written out as JSON, together with the content
digest of every file that made it (the config and each file it extends) and the digest
of the code that defines and validates the models. A run whose files and code digest the
same reads it back instead of parsing and validating; any change, and the config is read
and validated again (and its errors reported) as if there were no cache.

The cache lives in the user's cache folder ($XDG_CACHE_HOME/depguard, else
~/.cache/depguard), not in the project's `.depguard_cache/`: a file committed to a
repository must not be able to stand in for the rules a CI gate checks it against. It is
JSON (never pickle), read back only into the config's own dataclasses, written
atomically; a damaged or unreadable entry is a miss, and a folder that cannot be written
costs the speed-up, never the run. There is one entry per config path, so a CI machine
that checks out to a new folder each time would fill the folder: storing an entry drops
the oldest beyond the newest `KEEP` (an entry dropped while in use is validated again).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from depguard import __version__, user_cache
from depguard.fsutil import InputError, digest, read_input

FORMAT = 1
KEEP = 256  # entries of a few kilobytes each
NAME = re.compile(r"[0-9a-f]{16}\.json")  # what `entry_path` names, and all that is dropped


def folder() -> Path:
    """Where entries are kept: $XDG_CACHE_HOME/depguard/config, else ~/.cache/..."""
    return user_cache.folder("config")


def entry_path(config_file: Path) -> Path:
    """One entry per config file (by its resolved path)."""
    name = hashlib.blake2b(str(config_file.resolve()).encode(), digest_size=8).hexdigest()
    return folder() / f"{name}.json"


class Models:
    """What an entry is read back into, and the code that defines and validates it."""

    def __init__(self, classes: tuple[type[Any], ...], code: tuple[str, ...]) -> None:
        self.classes = {cls.__name__: cls for cls in classes}  # the top one first
        self.top = classes[0]
        self.code = code  # module files: their source is part of every entry's key

    def key(self) -> str:
        """depguard's version and the source of the modules that define, validate and
        keep the models: an entry written by other code (an editable install between
        releases) is never read back."""
        key = hashlib.blake2b(f"{FORMAT}|{__version__}".encode(), digest_size=16)
        for source in (*self.code, __file__):
            try:
                key.update(Path(source).read_bytes())
            except OSError:
                key.update(b"?")
        return key.hexdigest()


def lookup(config_file: Path, models: Models) -> Any:
    """The config kept for `config_file`, when it and every file it extended still hold
    what they held then, under the same code; else None."""
    try:
        data = user_cache.read(entry_path(config_file))
        if data is None:
            return None
        entry = json.loads(data)
        if entry["key"] != models.key() or entry["file"] != str(config_file.resolve()):
            return None
        for path, known in entry["files"]:
            # the config's files are the repository's: a link to a device, a pipe or an
            # outside file in their place is a miss, and reading them again says why
            if digest(read_input(path, path)) != known:
                return None
        kept = decode(entry["config"], models.classes)
    except (OSError, InputError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # missing, damaged, or written by another version: validate again
    return kept if isinstance(kept, models.top) else None


def store(
    config_file: Path, files: list[tuple[Path, bytes]], valid: object, models: Models
) -> None:
    """Keep `valid`, made from `files` (each path with the bytes that were parsed)."""
    entry = {
        "key": models.key(),
        "file": str(config_file.resolve()),
        "files": [[str(path.resolve()), digest(data)] for path, data in files],
        "config": encode(valid),
    }
    target = entry_path(config_file)
    user_cache.write(target, json.dumps(entry, separators=(",", ":")))  # dict order kept
    user_cache.drop_oldest(target.parent, NAME, KEEP)


def encode(value: Any) -> Any:
    """A config as JSON that says what each value was: a dataclass, a tuple or a dict
    (each a one-key object), or a plain string, number, boolean or null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"c": [type(value).__name__, fields]}
    if isinstance(value, tuple):
        return {"t": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"d": {key: encode(item) for key, item in value.items()}}
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in a config entry")


def decode(data: Any, classes: dict[str, type[Any]]) -> Any:
    """What `encode` wrote, back into the same objects (dataclasses only of `classes`);
    KeyError, TypeError or ValueError for anything it could not have written."""
    if isinstance(data, dict):
        ((tag, body),) = data.items()
        if tag == "t":
            return tuple(decode(item, classes) for item in body)
        if tag == "d":
            return {str(key): decode(item, classes) for key, item in body.items()}
        if tag == "c":
            name, fields = body
            values = {str(key): decode(item, classes) for key, item in fields.items()}
            return classes[name](**values)
        raise ValueError(f"unknown tag {tag!r}")
    if isinstance(data, list):
        raise ValueError("a bare list")  # every sequence in a config is a tagged tuple
    return data
