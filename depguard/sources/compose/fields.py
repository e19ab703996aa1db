"""The service fields depguard reads, one reader each, merged into a `Service` as
compose-go merges files: mappings key by key (`environment`, `labels`), `depends_on` by
target, lists (`links`, `volumes_from`, `env_file`, `profiles`, aliases) appended,
scalars (`hostname`, `network_mode`...) replaced. Unknown keys are ignored.

`merge_service` runs for every file and every `extends` base in order; `paths` and
`one_path` also read the path fields of an `include` entry.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

from depguard.sources.compose.document import Field, pin
from depguard.sources.compose.service import At, DependsOn, EnvFile, Ref, Service, Var

CONDITIONS = ("service_started", "service_healthy", "service_completed_successfully")
_DEPENDS_ON_KEYS = ("condition", "required", "restart")
# fields whose value `service:x` makes the service share (and so wait for) x's container
_MODE_FIELDS = ("network_mode", "ipc", "pid")


def merge_service(service: Service, body: Any, at: Field) -> None:
    readers: dict[str, Callable[[Service, Field], None]] = {
        "labels": _labels,
        "profiles": _profiles,
        "environment": _environment,
        "env_file": _env_files,
        "depends_on": _depends_on,
        "links": _links,
        "volumes_from": _volumes_from,
        "hostname": _hostname,
        "image": _image,
        "ports": _ports,
        "container_name": _container_name,
        "networks": _networks,
        **dict.fromkeys(_MODE_FIELDS, _mode),
    }
    for key, read in readers.items():
        if key in body and body[key] is not None:
            read(service, at.child(key))


def paths(f: Field, what: str) -> Iterator[str]:
    """A path, or a list of paths (`include` entries, their `path` and `env_file`)."""
    if isinstance(f.value, str):
        text = f.text()
        if text is not None:
            yield text
    elif isinstance(f.value, list):
        for text, _ in _strings(f, what):
            yield text
    else:
        f.wrong(f"a path or a list of {what}")


def one_path(f: Field | None) -> str | None:
    """An optional single path (`project_directory`)."""
    if f is None:
        return None
    if not isinstance(f.value, str):
        f.wrong("a path")
        return None
    return f.text()


def _pairs(f: Field, what: str) -> Iterator[tuple[str, str | None, Field]]:
    """(key, value, field) of a `KEY=value` list or a `KEY: value` mapping; a list item
    without `=` or a mapping key without a value gives None."""
    if isinstance(f.value, dict):
        for item in f.members():
            key = item.key
            if not isinstance(key, str):
                item.doc.problem(item.line, f"{item.where}: a {what} name must be a string")
            elif item.value is None:
                yield key, None, item
            elif (value := item.text()) is not None:
                yield key, value, item
    elif isinstance(f.value, list):
        for item in f.members():
            entry = item.text()
            if entry is not None:
                key, eq, value = entry.partition("=")
                yield key.strip(), (value if eq else None), item
    else:
        f.wrong(f"a list or a mapping of {what}s")


def _labels(service: Service, f: Field) -> None:
    for key, value, _ in _pairs(f, "label"):
        service.labels[key] = value or ""


def _environment(service: Service, f: Field) -> None:
    for key, value, item in _pairs(f, "variable"):
        # a bare KEY passes the variable through from the project environment (.env)
        resolved = f.doc.dotenv.values.get(key) if value is None else value
        service.environment[key] = Var(resolved, pin(item))


def _strings(f: Field, what: str) -> Iterator[tuple[str, Field]]:
    if not isinstance(f.value, list):
        f.wrong(f"a list of {what}")
        return
    for item in f.members():
        text = item.text()
        if text is not None:
            yield text, item


def _profiles(service: Service, f: Field) -> None:
    for profile, _ in _strings(f, "profile names"):
        if profile not in service.profiles:
            service.profiles.append(profile)


def _env_files(service: Service, f: Field) -> None:
    entries = [f] if isinstance(f.value, str) else None
    if entries is None and not isinstance(f.value, list):
        f.wrong("a path or a list of paths")
        return
    for item in entries or list(f.members()):
        env_file = _env_file_entry(item)
        if env_file is not None:
            service.env_files.append(env_file)


def _env_file_entry(item: Field) -> EnvFile | None:
    """`path` or `{path: p, required: false}` (long form, compose 2.24+)."""
    required: bool | None = True
    if isinstance(item.value, dict):
        if "path" not in item.value:
            item.doc.problem(item.line, f"{item.where}: missing required key 'path'")
            return None
        if "required" in item.value:
            required = _boolean(item.child("required"))
        item = item.child("path")
    path = item.text()
    if path is None or required is None:
        return None
    return EnvFile(item.doc.directory / path, required, pin(item))


def _depends_on(service: Service, f: Field) -> None:
    if isinstance(f.value, list):
        for target, item in _strings(f, "service names"):
            _add_depends_on(service, target, "service_started", True, pin(item), None)
    elif isinstance(f.value, dict):
        for item in f.members():
            _long_depends_on(service, item)
    else:
        f.wrong("a list or a mapping of services")


def _long_depends_on(service: Service, item: Field) -> None:
    target, body = str(item.key), item.value
    if body is None:
        body = {}
    if not isinstance(body, dict):
        item.wrong("a mapping (condition, required, restart)")
        return
    for key in body:
        if key not in _DEPENDS_ON_KEYS:
            close = difflib.get_close_matches(str(key), _DEPENDS_ON_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            item.doc.problem(item.child(key).line, f"{item.where}: unknown key {key!r}{hint}")
    condition = "service_started"
    if "condition" in body:
        written = item.child("condition").text()
        if written not in CONDITIONS:
            if written is not None:
                choices = ", ".join(CONDITIONS)
                item.child("condition").wrong(f"one of {choices}")
            return
        condition = written
    required = _boolean(item.child("required")) if "required" in body else True
    if "restart" in body:
        _boolean(item.child("restart"))
    if required is not None:
        _add_depends_on(service, target, condition, required, pin(item), body)


def _add_depends_on(
    service: Service, target: str, condition: str, required: bool, at: At, body: Any
) -> None:
    # compose turns the short form into {condition: service_started, required: true}
    # before merging, so a later file's entry sets both, whatever its form
    dep = service.depends_on.setdefault(target, DependsOn())
    dep.condition, dep.required = condition, required
    notes = [condition] if body and "condition" in body else []
    if not required:
        notes.append("required: false")
    text = f"depends_on {target}" + (f" ({', '.join(notes)})" if notes else "")
    dep.evidence.append(at.evidence(text))


def _boolean(f: Field) -> bool | None:
    value = f.value
    if isinstance(value, str):  # `required: ${OPTIONAL:-false}` interpolates to text
        value = {"true": True, "false": False}.get((f.text() or "").lower(), value)
    if isinstance(value, bool):
        return value
    f.wrong("true or false")
    return None


def _links(service: Service, f: Field) -> None:
    for link, item in _strings(f, "services"):
        target, _, alias = link.partition(":")
        if alias:
            service.link_aliases[alias.lower()] = target
        service.refs.append(Ref(target, "runtime", f"links {link}", pin(item)))


def _volumes_from(service: Service, f: Field) -> None:
    for source, item in _strings(f, "services"):
        target = source.split(":", 1)[0]
        if target != "container":  # container:x is a container outside the project
            service.refs.append(Ref(target, "startup", f"volumes_from {source}", pin(item)))


def _mode(service: Service, f: Field) -> None:
    key = str(f.key)
    value = f.text()
    if value is None:
        return
    kind, _, target = value.partition(":")
    # a scalar: a later file's value replaces the earlier one, dependency and all
    ref = Ref(target, "startup", f"{key}: {value}", pin(f)) if kind == "service" else None
    service.modes[key] = ref


def _ports(service: Service, f: Field) -> None:
    """Published ports make the service an entry point (`expose:` does not)."""
    if not isinstance(f.value, list):
        f.wrong("a list of ports")
        return
    service.published = service.published or bool(f.value)


def _image(service: Service, f: Field) -> None:
    service.image = f.text() or service.image


def _hostname(service: Service, f: Field) -> None:
    service.hostname = f.text() or service.hostname


def _container_name(service: Service, f: Field) -> None:
    service.container_name = f.text() or service.container_name


def _networks(service: Service, f: Field) -> None:
    """Network aliases: `networks: {back: {aliases: [database]}}`. A list of network
    names has no aliases."""
    if isinstance(f.value, list):
        return
    if not isinstance(f.value, dict):
        f.wrong("a list or a mapping of networks")
        return
    for network in f.members():
        if isinstance(network.value, dict) and network.value.get("aliases") is not None:
            for alias, _ in _strings(network.child("aliases"), "aliases"):
                service.aliases.append(alias)
        elif network.value is not None and not isinstance(network.value, dict):
            network.wrong("a mapping (aliases, ipv4_address...)")
