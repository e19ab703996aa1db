"""One compose project, merged: its files in order (`read`), each service's `extends`
bases before its own body, then its `include`d projects (`include`, after every file,
as compose evaluates them), whose services join this one.

Each compose file is parsed once (`documents`) and each included file read once in the
whole tree of includes; `MAX_EXTENDS` bounds a chain of bases. Paths in values are
relative to the project directory, `extends`/`include` files to the file naming them.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.fsutil import OUTSIDE, outside
from depguard.model import Diagnostic, Fragment
from depguard.sources.compose import fields
from depguard.sources.compose.document import ComposeFile, Field
from depguard.sources.compose.dotenv import env_values
from depguard.sources.compose.service import At, DotEnv, Service
from depguard.sources.files import is_excluded, relative

# bases followed for one service: real chains are two or three long, and a file of a
# hundred thousand services each extending the one before must not take quadratic time
MAX_EXTENDS = 10


class Project:
    """The services of all files so far, merged (`emit` then writes their nodes and edges)."""

    def __init__(
        self,
        root: Path,
        directory: Path,
        exclude: tuple[str, ...],
        out: Fragment,
        chain: tuple[Path, ...] = (),
        outer: DotEnv | None = None,
        env_files: list[Path] | None = None,
        included: set[Path] | None = None,
    ) -> None:
        self.root = root
        self.directory = directory
        self.exclude = exclude
        self.out = out
        self.services: dict[str, Service] = {}
        self.first_file = ""
        self.dotenv = DotEnv({}, "")
        # an included project: the files that included it, the including project's .env
        # (which overrides its own) and the env files its `include` entry names
        self.chain = chain
        self.outer = outer
        self.env_files = env_files
        self.includes: list[tuple[Any, ComposeFile, Path]] = []
        # every file included so far, in the whole tree of includes: each is read once
        # (a file two projects include brings the same services again, and includes
        # that fan out must not read a file exponentially often)
        self.included = included if included is not None else set()
        self.documents: dict[Path, Any] = {}  # every compose file read, by resolved path

    def read(self, path: Path) -> None:
        shown = relative(path, self.root)
        if not self.first_file:
            self.first_file = path.name
            self.dotenv = self._load_dotenv()
        raw = self._document(path, shown)  # None when unreadable: a diagnostic already
        services = self._services_of(raw, shown)
        reader = ComposeFile(
            shown, self.directory, self.dotenv, self.out.diagnostics, path.parent, self.out.notes
        )
        for name, body in services.items():
            self._read_service(name, body, services, reader)
        if isinstance(raw, dict) and raw.get("include") is not None:
            self.includes.append((raw, reader, path))

    def _load_dotenv(self) -> DotEnv:
        if self.env_files is not None:  # named by an `include` entry
            values = self._env_values(self.env_files, required=True)
            return self._under_outer(DotEnv(values, "(not in the env files of the include)"))
        path = self.directory / ".env"
        shown = relative(path, self.root)
        missing = f"(no .env beside {self.first_file})"
        # a `.env` that is a link to a pipe, a device or an outside file is read, and
        # reading it says why it is refused
        if not os.path.lexists(path) or path.is_dir() or is_excluded(shown, self.exclude):
            return self._under_outer(DotEnv({}, missing))
        values = self._env_values([path], required=False)
        return self._under_outer(DotEnv(values, "(not in .env)"))

    def _env_values(self, paths: list[Path], required: bool) -> dict[str, str]:
        note = "(not set above in .env)"
        return env_values(paths, self.root, self.exclude, required, note, self.out)

    def _under_outer(self, own: DotEnv) -> DotEnv:
        """An included project's variables: the including project's .env wins."""
        if self.outer is None:
            return own
        return DotEnv({**own.values, **self.outer.values}, own.note)

    # ------------------------------------------------------------ include

    def include(self) -> None:
        """Read the projects that `include` names; their services join this one."""
        for raw, reader, path in self.includes:
            entries = reader.top(raw, "").child("include")
            if not isinstance(entries.value, list):
                entries.wrong("a list of compose files")
                continue
            for entry in entries.items():
                self._include_entry(entry, path)

    def _include_entry(self, entry: Field, including: Path) -> None:
        """One entry: `path` or `{path: one or a list, project_directory, env_file}`."""
        value = entry.value
        if isinstance(value, dict):
            if value.get("path") is None:
                entry.doc.problem(entry.line, f"{entry.where}: missing required key 'path'")
                return
            paths = list(fields.paths(entry.child("path"), "compose files"))
            directory = fields.one_path(entry.get("project_directory"))
            env_files = (
                [including.parent / p for p in fields.paths(entry.child("env_file"), "env files")]
                if value.get("env_file") is not None
                else None
            )
        else:
            paths, directory, env_files = list(fields.paths(entry, "compose files")), None, None
        chain = (*self.chain, including.resolve())  # the files that led here
        present = []
        for file in (including.parent / p for p in paths):
            shown = relative(file, self.root)
            if is_excluded(shown, self.exclude):
                continue
            resolved = file.resolve()
            if outside(file):
                entry.doc.problem(entry.line, f"{entry.where}: {shown} is {OUTSIDE}")
            elif not file.is_file():
                entry.doc.problem(entry.line, f"{entry.where}: compose file {shown} not found")
            elif resolved in chain:
                entry.doc.problem(entry.line, f"{entry.where}: circular include of {shown}")
            elif resolved not in self.included:
                self.included.add(resolved)
                present.append(file)
        if not present:
            return
        sub = Project(
            self.root,
            including.parent / directory if directory else present[0].parent,
            self.exclude,
            self.out,
            chain,
            self.dotenv,
            env_files,
            self.included,
        )
        for file in present:
            sub.read(file)
        sub.include()
        shown = relative(present[0], self.root)
        for name, service in sub.services.items():
            if name in self.services:
                message = (
                    f"{entry.where}: service {name!r} of {shown} is already defined "
                    f"(compose does not merge included services; the first definition is kept)"
                )
                entry.doc.problem(entry.line, message)
            else:
                self.services[name] = service

    def _services_of(self, raw: Any, shown: str) -> dict[Any, Any]:
        if raw is None:  # an empty file adds nothing
            return {}
        if not isinstance(raw, dict):
            message = f"expected a compose file (a mapping), got {validation.show(raw)}"
            self.out.diagnostics.append(Diagnostic(shown, getattr(raw, "line", 1), message))
            return {}
        services = raw.get("services")
        if services is None:  # a file of networks or volumes only is valid
            return {}
        if not isinstance(services, dict):
            line = yamlio.line_of(raw, ("services",))
            message = (
                f"services: expected a mapping of service names, got {validation.show(services)}"
            )
            self.out.diagnostics.append(Diagnostic(shown, line, message))
            return {}
        return services

    def _read_service(self, name: Any, body: Any, services: Any, reader: ComposeFile) -> None:
        line = yamlio.line_of(services, (name,)) or 1
        where = f"services.{name}"
        if not isinstance(name, str):
            reader.problem(line, f"{where}: a service name must be a string")
            return
        if not isinstance(body, dict):
            reader.problem(line, f"{where}: expected a mapping, got {validation.show(body)}")
            return
        service = self.services.get(name)
        if service is None:
            service = Service(name, At(reader.file, line, where), dotenv=reader.dotenv)
            self.services[name] = service
        at = reader.top(body, where)
        if body.get("extends") is not None:
            self._extend(service, at.child("extends"), services, ((reader.file, name),))
        fields.merge_service(service, body, at)

    # ------------------------------------------------------------ extends

    def _extend(
        self,
        service: Service,
        f: Field,
        services: Any,
        seen: tuple[tuple[str, str], ...],
        top: Field | None = None,
    ) -> None:
        """Merge the base that `f` (an `extends` value) names into `service`, its own
        bases first; `top` is the service's own `extends`, where a chain too long is
        reported."""
        reader = f.doc
        value = f.value
        named_file = isinstance(value, dict) and value.get("file") is not None
        if isinstance(value, str):  # the short form: a service of the same file
            base, file = f.text(), None
        elif isinstance(value, dict):
            if value.get("service") is None:
                reader.problem(f.line, f"{f.where}: missing required key 'service'")
                return
            base = f.child("service").text()
            file = f.child("file").text() if named_file else None
        else:
            f.wrong("a mapping with 'service' and, optionally, 'file'")
            return
        if base is None or (named_file and file is None):
            return  # not text: already a problem
        base_reader = reader
        if file is not None:
            path = reader.folder / file
            shown = relative(path, self.root)
            if outside(path):
                reader.problem(f.line, f"{f.where}: {shown} is {OUTSIDE}")
                return
            if not path.is_file():
                reader.problem(f.line, f"{f.where}: compose file {shown} not found")
                return
            services = self._services_of(self._document(path, shown), shown)
            base_reader = ComposeFile(
                shown, path.parent, reader.dotenv, reader.out, path.parent, reader.notes
            )
        body = services.get(base) if isinstance(services, dict) else None
        key = (base_reader.file, base)  # a file (as shown, one name each) and a service
        if not isinstance(body, dict):
            known = [s for s in services if isinstance(s, str)]
            close = difflib.get_close_matches(base, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            reader.problem(f.line, f"{f.where}: no service {base!r} in {base_reader.file}{hint}")
            return
        if key in seen:
            reader.problem(f.line, f"{f.where}: circular extends through {base!r}")
            return
        if len(seen) > MAX_EXTENDS:
            top = top or f
            top.doc.problem(top.line, f"{top.where}: more than {MAX_EXTENDS} bases in a chain")
            return
        at = base_reader.top(body, f"services.{base}")
        if body.get("extends") is not None:
            self._extend(service, at.child("extends"), services, (*seen, key), top or f)
        fields.merge_service(service, body, at)

    def _document(self, path: Path, shown: str) -> Any:
        """A compose file's data, read once (a project's file, or one named by
        `extends: {file}`); None, and a diagnostic, when it cannot be read."""
        resolved = path.resolve()
        if resolved not in self.documents:
            self.documents[resolved] = None
            if shown not in self.out.files:
                self.out.files.append(shown)
            try:
                self.documents[resolved] = yamlio.load_one(yamlio.read_text(path, shown), shown)
            except yamlio.YamlError as exc:
                self.out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return self.documents[resolved]
