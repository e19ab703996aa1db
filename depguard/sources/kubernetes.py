"""Kubernetes manifests: workloads, the Services in front of them, and what they call.

`collect` reads manifest files and folders (every `.yaml`/`.yml` below a folder, sorted),
or `-` (also `<root>/-` when no such file exists): a rendered stream on standard input
(`kustomize build overlays/prod | depguard ...`, `helm template ... | ...`), shown in
evidence as `<stdin>`; tests pass `stdin=` a binary stream instead. It writes one
`service:<name>` node per workload and one edge per dependency, each with the exact
`file:line` of the variable, ConfigMap key or script line that makes it.

Objects
- Workloads: Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
  CronJob (`spec.jobTemplate.spec.template`) and Pod. Node labels are the pod template's
  labels overlaid with the workload's own `metadata.labels` (so rules can pick layers by
  `app.kubernetes.io/part-of`...), plus `kubernetes.kind` and `kubernetes.namespace`.
  `declared_in` is the line of `metadata.name`, text `Deployment orders` (and the
  `# Source:` template of a helm-rendered stream, when there is one).
- Services: a Service stands for the workloads of its namespace whose pod template
  labels hold every pair of its `spec.selector` (found through a label index, never by
  comparing every Service with every workload). A Service without a selector, or whose
  selector matches nothing, stands for nothing (and is listed in the summary when an
  address names it). `type: ExternalName` follows `externalName` when it names a Service
  of the input (5 hops at most); otherwise it points outside and makes no edge.
- ConfigMaps: their `data`, read for `configMapKeyRef`, `envFrom` and volumes.
- `kind: List` (and any `*List` with `items`, as `kubectl get -o yaml` writes) is
  unpacked; its items are read as documents, breadcrumbs starting `items[3].`.
- Every other kind (CRDs, Ingress, NetworkPolicy, HPA, ServiceAccount, Secret...) is
  valid content depguard does not use: skipped and counted, never a diagnostic.

Node names
- A workload's node is its name when no other workload of the input has that name,
  else `<namespace>/<name>` for every one of the clashing ones (and, if two kinds share
  a name in one namespace, `<namespace>/<kind>/<name>`, kind in lower case). The rule
  depends on the whole input only, so a name is the same on every run over it.
- The same kind/namespace/name defined twice: the last definition wins, as with
  `kubectl apply`; it is listed in the summary's `duplicates`.

Addresses and DNS
- A Service `svc` in namespace `ns` answers to `svc` (only from inside `ns`), `svc.ns`,
  `svc.ns.svc` and `svc.ns.svc.cluster.local`; a workload's namespace is its
  `metadata.namespace`, else `default`. A custom cluster domain is not recognised.
- Pod DNS, `pod.svc`, `pod.svc.ns`, `pod.svc.ns.svc(.cluster.local)`, names a
  StatefulSet pod (`<statefulset>-<n>` whose `serviceName` is `svc`) or a pod whose
  `hostname`/`subdomain` are set. A two-label name is tried as pod DNS in the caller's
  namespace first, then as `svc.ns`, in the order of the pod's DNS search list.
- A Service name is never a workload name: addresses resolve to Services, Services to
  workloads. An edge to the workload itself (a shared ConfigMap naming it, a Service
  that selects it too) is identity, not a dependency, and is dropped.
- Hosts are found by `depguard.sources.addresses` (URLs, `host:port`, JDBC, connection
  strings); a bare value counts under an address-like name (`DB_HOST=accounts-db`).

Edges (from `containers` and `initContainers`)
- `env[].value`: kind `runtime`, hard; `telemetry`, soft for telemetry variables
  (`OTEL_*`, `*OTLP*`... `addresses.classify_env`). `$(VAR)` is expanded from the
  variables defined before it (envFrom, then earlier env items), `$$` escapes, as the
  kubelet does. Evidence: the line of the value, text `env KEY=<masked>` (and
  `(= <expanded>)` when expansion changed it).
- `env[].valueFrom.configMapKeyRef`: the key's value in that ConfigMap of the same
  namespace; kind as above. Two evidence items: the env item, text
  `env KEY=<masked> via ConfigMap <name>`, and the ConfigMap key, text
  `ConfigMap <name> <key>=<masked>`. `secretKeyRef` values are not in manifests: skipped
  and counted (`secret_refs`), as are `fieldRef`/`resourceFieldRef` (`field_refs`).
- `envFrom[].configMapRef` (with its `prefix`): every key of the ConfigMap is a
  variable. Kind from the variable name; strength hard whatever the key is called (a
  shared ConfigMap that a service loads whole is configuration it runs with; an address
  under a name like `LOCAL_ROUTING_NUM` would be odd, but the value decides, as for env).
  Evidence: the envFrom item (`envFrom ConfigMap <name>`) and the key's line
  (`envFrom ConfigMap <name> KEY=<masked>`). `env` beats `envFrom`; a later envFrom
  source beats an earlier one; a `secretKeyRef` env item hides an envFrom value of the
  same name (its value is unknown).
- ConfigMaps mounted as volumes (`configMap`, `projected.sources[].configMap`, `items`
  honoured): each line of each file is read for hosts; `key: value` lines count a bare
  value under an address-like key; comment lines (`#`, `//`, `;`) are skipped. Kind
  `telemetry`, soft when the file, ConfigMap or line key is telemetry-like, else
  runtime, hard. Evidence: the volume and the exact line in the ConfigMap.
- `command`/`args`: expanded (`$(VAR)` by the kubelet's rule, then `$VAR`, `${VAR}`
  and `${VAR:-default}` from the container's variables, as a shell would) and read
  token by token; a `--flag=value` or `--flag value` is classified by the flag name.
  In a regular container: runtime (or telemetry). In an init container, every address
  is `startup`, hard: the pod does not start until the init container has finished.
  Evidence: the exact line (inside a literal block too), text
  `initContainer <name> args: <that line, expanded and masked>`.
- Wait loops, in any container: `nslookup`, `host`, `dig`, `getent hosts`, `ping`,
  `nc`, `telnet` (the first name after the tool), database clients and `wait-for-it`
  (`-h`/`--host`), `curl`/`wget` (URLs, `host:port/path`), `/dev/tcp/host/port`:
  kind `startup`, hard, even in a regular container (it blocks the start). Options
  that take a value (`nc -w 2`, `host -t A`) are not taken for the host.
- A workload that is itself a collector or tracer (its name or an image name matches
  the telemetry patterns: `otel-collector`, `opentelemetry-collector-contrib`,
  `jaeger-agent`...) makes telemetry, soft edges: what it probes or exports to is
  observation, not a dependency of the service graph. Start-up edges keep their kind.
- An init container's `env` makes edges like any container's (runtime, or
  telemetry): a variable only says where something is; the command that uses it
  (`pg_isready -h $(DB_HOST)`) is what makes the start-up edge.

Dangling references
- An address that names no Service of the input becomes an edge to `dangling:<host>`
  (a node of kind `dangling`), kind and evidence as usual, when the name is
  cluster-DNS-shaped (`*.svc`, `*.svc.cluster.local`, `x.<a namespace of the input>`),
  or a single DNS label written under an address-like variable or flag
  (`CART_ADDR=cartservice:7070`, `DB_HOST=accounts-db`; a bare value only under a host
  word: HOST, SERVER, ADDR...; `CACHE_BACKEND=redis` is a choice, not a host), or the
  target of a wait loop. Never for outside names (`api.stripe.com`) or IPs. They are
  not input errors, never diagnostics.

Input and problems
- Documents are split on `---` lines before parsing (a `---` in column 0 always starts a
  document; a `%YAML` directive stays with its document), so a broken document does
  not hide the rest of the stream, and memory holds the tree of one document at a
  time, not a 50 MB stream's whole tree (only the few facts read from each are kept).
  Line numbers count line breaks as PyYAML does, so they stay exact.
- A folder holding `Chart.yaml` is a Helm chart: its templates are not manifests until
  rendered, so the chart is skipped and listed (`helm_charts`); pipe `helm template` in.
  `kustomization.yaml` files are skipped and counted as kind `Kustomization`.
- Bad input never raises: malformed YAML, duplicate keys, alias bombs, tags (refused by
  `depguard.yamlio`), a document that is not a mapping, a missing `kind` or
  `metadata.name`, or a value of the wrong type anywhere we read (`spec.template.spec.
  containers[0].env[2].value: expected a string, got 8080`: Kubernetes refuses a number
  there too) are each a `Diagnostic(file, line, message)`, and everything else is read.
  A missing path is a diagnostic; a missing ConfigMap or key is not (it may come from
  elsewhere) and is listed in the summary.
- Only the first 2048 characters of a value's line are scanned for addresses (the
  address patterns slow down on long runs of letters, and no address is that long);
  such lines are counted (`truncated_lines`).

Summary
- `collect_with_summary` returns the fragment and a `KubernetesSummary`: documents and
  objects read, kinds skipped (with counts), secret and field references, missing
  ConfigMaps, Services that stand for no workload, duplicates, Helm charts skipped.
  `collect` is the pipeline's interface and drops the summary. `options` is unused.

Not read (yet): Secrets' values (by design), Ingress routes (an Ingress calls Services,
but the edge's source, the ingress controller, is outside the input), the
`<SVC>_SERVICE_HOST` variables the kubelet injects, custom cluster domains.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from depguard import validation, yamlio
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, Strength, node_id
from depguard.sources import addresses, discovery
from depguard.sources.files import is_excluded, relative, walk

SOURCE = "kubernetes"
STDIN = "<stdin>"
SUFFIXES = (".yaml", ".yml")
DEFAULT_NAMESPACE = "default"
MAX_SCAN = 2048
# What one expanded value may grow to (`$(VAR)` in env values, command and args).
MAX_EXPANDED = 64 * 1024
_SNIPPET = 160  # evidence shows at most this much of one line
_MAX_LIST_DEPTH = 3
_MAX_EXTERNAL_HOPS = 5

# the pod template of each workload kind; a Pod is its own template
_POD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Pod": (),
}
_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_CHART_FILES = ("Chart.yaml", "Chart.yml")

# `---` in column 0, alone or before a space or comment, always starts a YAML document
_DOC_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
# PyYAML's line breaks: lines counted here agree with its marks
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# a piece whose last line that is not blank or a comment is a `%` directive
_DIRECTIVE_LAST = re.compile(r"^%[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*\Z", re.MULTILINE)
_HELM_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)
# a key or list item whose value is a literal block scalar (`key: |`, `- |-`)
_LITERAL = re.compile(r"(?:^|\s)\|[1-9]?[+-]?[1-9]?\s*(?:#.*)?$")
# a Service name (RFC 1035 label): what a bare word must look like to be dangling
_LABEL = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
_BARE_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
_WORDS = re.compile(r"[\s,;]+")
_STATEFUL_POD = re.compile(r"(.+)-(\d+)")
# the kubelet's `$(VAR)` (and `$$` escape) in env values, command and args
_KUBE_VAR = re.compile(r"\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)")
# a shell's `$VAR`, `${VAR}` and `${VAR:-default}` in scripts
_SHELL_VAR = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
_SHELL_TOKEN = re.compile(r"[;&|()<>`]+|[^\s;&|()<>`]+")
_SEPARATOR = re.compile(r"[;&|()<>`]+")
# `key: value` or `key=value` at the start of a config line (not `http://`)
_LINE_KEY = re.compile(r"\s*(?:-\s+)?[\"']?([A-Za-z_][\w.\-]*)[\"']?\s*(?::(?=\s|$)|=)\s*(.*)")
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
_NOT_HOSTS = frozenset({"hosts", "ahosts", "ahostsv4", "ahostsv6", "localhost"})
# words of a variable name that say a bare value is a host (not just an address-like
# word: `CACHE_BACKEND=redis` chooses a kind of cache, it does not name a host)
_HOST_WORDS = frozenset({"HOST", "HOSTS", "HOSTNAME", "SERVER", "SERVERS", "ADDR", "ADDRESS"})


# ---------------------------------------------------------------- the interface


@dataclass
class KubernetesSummary:
    """What a run read and left aside: nothing here is an input error."""

    documents: int = 0
    objects: dict[str, int] = field(default_factory=dict)
    skipped_kinds: dict[str, int] = field(default_factory=dict)
    secret_refs: int = 0
    field_refs: int = 0
    missing_config_maps: list[str] = field(default_factory=list)
    unbacked_services: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    helm_charts: list[str] = field(default_factory=list)
    truncated_lines: int = 0

    def count(self, table: dict[str, int], kind: str) -> None:
        table[kind] = table.get(kind, 0) + 1


discover = discovery.kubernetes_folders


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    stdin: BinaryIO | None = None,
) -> Fragment:
    """Read manifests into nodes and edges; problems become diagnostics, never exceptions."""
    fragment, summary = collect_with_summary(paths, root, exclude, options, stdin=stdin)
    fragment.skipped = dict(summary.skipped_kinds)
    return fragment


def collect_with_summary(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    stdin: BinaryIO | None = None,
) -> tuple[Fragment, KubernetesSummary]:
    """`collect`, with what was skipped and counted. The path `-` reads `stdin`
    (default: the process's standard input)."""
    fragment = Fragment(SOURCE)
    summary = KubernetesSummary()
    reader = _Reader(fragment, summary)
    for shown, text in _inputs(paths, root, exclude, stdin, fragment, summary):
        reader.read_stream(text, shown)
    _Emitter(reader, fragment, summary).run()
    fragment.diagnostics = list(dict.fromkeys(fragment.diagnostics))
    _tidy(summary)
    return fragment, summary


def _tidy(summary: KubernetesSummary) -> None:
    summary.objects = dict(sorted(summary.objects.items()))
    summary.skipped_kinds = dict(sorted(summary.skipped_kinds.items()))
    summary.missing_config_maps = sorted(set(summary.missing_config_maps))
    summary.unbacked_services = sorted(set(summary.unbacked_services))


# ---------------------------------------------------------------- files and stdin


def _is_stdin(path: Path) -> bool:
    # the pipeline may have joined `-` onto the project root
    return path.as_posix() == "-" or (path.name == "-" and not path.exists())


def _inputs(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...],
    stdin: BinaryIO | None,
    out: Fragment,
    summary: KubernetesSummary,
) -> Iterator[tuple[str, str]]:
    """(shown name, text) of every input, one at a time so only one is in memory."""
    seen: set[Path] = set()
    for path in paths:
        if _is_stdin(path):
            text = _read_stdin(stdin, out)
            if text is not None:
                yield STDIN, text
            continue
        shown = relative(path, root)
        if is_excluded(shown, exclude):
            continue
        if not path.exists():
            out.diagnostics.append(Diagnostic(shown, 0, "cannot read: No such file or directory"))
            continue
        for file in _manifest_files(path, root, exclude, summary, out.diagnostics):
            if file in seen:
                continue
            seen.add(file)
            if file.name in _KUSTOMIZATION_FILES:
                summary.count(summary.skipped_kinds, "Kustomization")
                continue
            shown = relative(file, root)
            text = _read_file(file, shown, out)
            if text is not None:
                yield shown, text


def _manifest_files(
    path: Path,
    root: Path,
    exclude: tuple[str, ...],
    summary: KubernetesSummary,
    skipped: list[Diagnostic],
) -> list[Path]:
    """The YAML files below `path`, without Helm charts (templates are not manifests)."""
    found = walk([path], root, SUFFIXES, exclude, skipped)
    if path.is_file():
        return found
    charts = sorted({f.parent for f in found if f.name in _CHART_FILES})
    summary.helm_charts.extend(relative(chart, root) for chart in charts)
    return [f for f in found if not any(f.is_relative_to(chart) for chart in charts)]


def _read_file(path: Path, shown: str, out: Fragment) -> str | None:
    try:
        return yamlio.read_text(path, shown)
    except yamlio.YamlError as exc:
        out.files.append(shown)
        out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return None


def _read_stdin(stdin: BinaryIO | None, out: Fragment) -> str | None:
    try:
        stream = stdin if stdin is not None else sys.stdin.buffer
        text = yamlio.decode(stream.read(), STDIN)
    except (OSError, ValueError, AttributeError) as exc:  # closed, unreadable or absent
        out.diagnostics.append(Diagnostic(STDIN, 0, f"cannot read: {exc}"))
        return None
    except yamlio.YamlError as exc:
        out.files.append(STDIN)
        out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        out.files.append(STDIN)
        out.diagnostics.append(Diagnostic(STDIN, line, "contains a NUL byte: not a text file"))
        return None
    return text


def _chunks(text: str) -> Iterator[str]:
    """The stream cut before every `---` line: each piece holds whole documents. A
    `%YAML` directive stays with the document it introduces."""
    start = 0
    for match in _DOC_START.finditer(text):
        piece = text[start : match.start()]
        if piece and not _DIRECTIVE_LAST.search(piece):
            yield piece
            start = match.start()
    yield text[start:]


def _breaks(text: str) -> int:
    """Line breaks in `text`, counted as PyYAML counts them."""
    lf, cr, crlf = text.count("\n"), text.count("\r"), text.count("\r\n")
    return lf + cr - crlf + text.count("\x85") + text.count("\u2028") + text.count("\u2029")


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class _Text:
    """A string of the input and where it was written."""

    text: str
    file: str
    line: int
    literal: bool = False  # a literal block: its n-th line is written at line + 1 + n

    def line_at(self, index: int) -> int:
        return self.line + 1 + index if self.literal else self.line


@dataclass(frozen=True)
class _EnvVar:
    name: str
    line: int  # the env item
    value: _Text | None = None
    config_map: str = ""  # configMapKeyRef
    key: str = ""
    unknown: bool = False  # a secret or a field: a value the manifest does not hold


@dataclass(frozen=True)
class _EnvFrom:
    config_map: str
    prefix: str
    line: int


@dataclass(frozen=True)
class _Volume:
    name: str
    config_map: str
    keys: tuple[str, ...] | None  # `items`: only these keys become files
    line: int


@dataclass(frozen=True)
class _Arg:
    field: str  # "command" or "args"
    value: _Text


@dataclass
class _Container:
    name: str
    init: bool
    image: str = ""
    env: list[_EnvVar] = field(default_factory=list)
    env_from: list[_EnvFrom] = field(default_factory=list)
    args: list[_Arg] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{'initContainer' if self.init else 'container'} {self.name}"


@dataclass(frozen=True)
class _Meta:
    kind: str
    name: str
    namespace: str
    file: str
    line: int
    labels: dict[str, str]
    note: str  # the `# Source:` template of a helm-rendered stream


@dataclass
class _Workload:
    meta: _Meta
    pod_labels: dict[str, str]
    containers: list[_Container]
    volumes: list[_Volume]
    service_name: str = ""  # a StatefulSet's governing Service
    hostname: str = ""  # a pod's own DNS name under its subdomain Service
    subdomain: str = ""
    node: str = ""  # the node name, once every workload is known

    @property
    def namespace(self) -> str:
        return self.meta.namespace

    @property
    def id(self) -> str:
        return node_id("service", self.node)


@dataclass(frozen=True)
class _Service:
    name: str
    namespace: str
    selector: dict[str, str]
    external_name: str | None


@dataclass(frozen=True)
class _ConfigMap:
    name: str
    namespace: str
    data: dict[str, _Text]


# ---------------------------------------------------------------- reading YAML


class _Doc:
    """The piece of a stream some documents were parsed from."""

    def __init__(self, file: str, offset: int, text: str, out: list[Diagnostic]) -> None:
        self.file = file
        self.offset = offset  # lines before the piece
        self.text = text
        self.out = out
        found = _HELM_SOURCE.search(text)
        self.note = found.group(1) if found else ""

    @cached_property
    def lines(self) -> list[str]:
        return _LINE_BREAK.split(self.text)

    def problem(self, line: int, message: str) -> None:
        self.out.append(Diagnostic(self.file, line, message))

    def literal(self, line: int, value: str) -> bool:
        """Whether `value`, written at `line`, is a literal block (lines one to one)."""
        index = line - self.offset - 1
        source = self.lines[index] if 0 <= index < len(self.lines) else ""
        first = value.split("\n", 1)[0].rstrip()
        # `key: a |` is a plain scalar ending in a bar: the line ends with its text
        return bool(_LITERAL.search(source)) and not (first and source.rstrip().endswith(first))


class _Cursor:
    """A value of a document with its breadcrumb and absolute line; reports wrong types."""

    __slots__ = ("doc", "value", "where", "line")

    def __init__(self, doc: _Doc, value: Any, where: str, line: int) -> None:
        self.doc = doc
        self.value = value
        self.where = where
        self.line = line

    def crumb(self, key: Any) -> str:
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}.{key}" if self.where else str(key)

    def child(self, key: Any) -> _Cursor:
        relative_line = yamlio.line_of(self.value, (key,))
        line = self.doc.offset + relative_line if relative_line else self.line
        return _Cursor(self.doc, self.value[key], self.crumb(key), line)

    def get(self, key: str) -> _Cursor | None:
        """The value under `key` of a mapping; None when absent or null."""
        if not isinstance(self.value, dict) or self.value.get(key) is None:
            return None
        return self.child(key)

    def require(self, key: str) -> _Cursor | None:
        found = self.get(key)
        if found is None:
            self.doc.problem(self.line, f"{self.crumb(key)}: missing required key")
        return found

    def path(self, *keys: str) -> _Cursor | None:
        """The value under nested mappings; a non-mapping on the way is reported."""
        here: _Cursor | None = self
        for key in keys:
            if here is None or here.mapping() is None:
                return None
            here = here.get(key)
        return here

    def problem(self, message: str) -> None:
        self.doc.problem(self.line, f"{self.where}: {message}" if self.where else message)

    def wrong(self, expected: str) -> None:
        self.problem(f"expected {expected}, got {validation.show(self.value)}")

    def mapping(self) -> dict[Any, Any] | None:
        if isinstance(self.value, dict):
            return self.value
        self.wrong("a mapping")
        return None

    def items(self) -> Iterator[_Cursor]:
        """The items of a list, each a cursor; anything else is reported."""
        if not isinstance(self.value, list):
            self.wrong("a list")
            return
        for index in range(len(self.value)):
            yield self.child(index)

    def entries(self) -> Iterator[tuple[str, _Cursor]]:
        """(key, value) of a mapping whose keys must be strings."""
        if self.mapping() is None:
            return
        for key in self.value:
            item = self.child(key)
            if isinstance(key, str):
                yield key, item
            else:
                item.problem("a key must be a string")

    def text(self) -> str | None:
        if isinstance(self.value, str):
            return self.value
        self.wrong("a string")
        return None

    def located(self, value: str) -> _Text:
        return _Text(value, self.doc.file, self.line, self.doc.literal(self.line, value))


class _Reader:
    """Reads every document of every input into workloads, Services and ConfigMaps."""

    def __init__(self, out: Fragment, summary: KubernetesSummary) -> None:
        self.out = out
        self.summary = summary
        self.workloads: dict[tuple[str, str, str], _Workload] = {}
        self.services: dict[tuple[str, str], _Service] = {}
        self.config_maps: dict[tuple[str, str], _ConfigMap] = {}

    def read_stream(self, text: str, shown: str) -> None:
        self.out.files.append(shown)
        offset = 0
        for piece in _chunks(text):
            self._read_piece(_Doc(shown, offset, piece, self.out.diagnostics))
            offset += _breaks(piece)

    def _read_piece(self, doc: _Doc) -> None:
        try:
            documents = yamlio.load_all(doc.text, doc.file)
        except yamlio.YamlError as exc:
            doc.problem(doc.offset + exc.line if exc.line else 0, exc.message)
            return
        for data, start in documents:
            self.summary.documents += 1
            if data is not None:  # helm renders empty documents for disabled templates
                self._object(_Cursor(doc, data, "", doc.offset + start), 0)

    def _object(self, at: _Cursor, depth: int) -> None:
        if not isinstance(at.value, dict):
            at.problem(f"expected a Kubernetes object (a mapping), got {validation.show(at.value)}")
            return
        kind_at = at.require("kind")
        kind = kind_at.text() if kind_at is not None else None
        if kind is None:
            return
        if kind.endswith("List") and "items" in at.value:
            self._list(at, depth)
        elif kind in _POD_TEMPLATES or kind in ("Service", "ConfigMap"):
            meta = self._metadata(at, kind)
            if meta is not None:
                self.summary.count(self.summary.objects, kind)
                self._known(at, meta)
        else:
            self.summary.count(self.summary.skipped_kinds, kind)

    def _list(self, at: _Cursor, depth: int) -> None:
        items = at.child("items")
        if items.value is None:
            return
        for item in items.items():
            if depth >= _MAX_LIST_DEPTH:
                item.problem("lists nested too deeply")
                return
            if item.value is not None:
                self._object(item, depth + 1)

    def _known(self, at: _Cursor, meta: _Meta) -> None:
        key = (meta.namespace, meta.name)
        if meta.kind == "Service":
            self._keep(self.services, key, _service(at, meta), meta)
        elif meta.kind == "ConfigMap":
            self._keep(self.config_maps, key, _config_map(at, meta), meta)
        else:
            workload = self._workload(at, meta)
            if workload is not None:
                self._keep(self.workloads, (meta.kind, *key), workload, meta)

    def _keep(self, table: dict[Any, Any], key: Any, record: object, meta: _Meta) -> None:
        # the last definition wins, as with `kubectl apply`
        if key in table:
            self.summary.duplicates.append(f"{meta.kind} {meta.namespace}/{meta.name}")
            del table[key]
        table[key] = record

    def _metadata(self, at: _Cursor, kind: str) -> _Meta | None:
        meta = at.require("metadata")
        if meta is None or meta.mapping() is None:
            return None
        name_at = meta.get("name") or meta.get("generateName")
        if name_at is None:
            meta.doc.problem(meta.line, f"{meta.crumb('name')}: missing required key")
            return None
        name = name_at.text()
        if name is not None and not name.strip("-"):
            name_at.wrong("a name")
            return None
        if name is None:
            return None
        namespace = DEFAULT_NAMESPACE
        namespace_at = meta.get("namespace")
        if namespace_at is not None:
            namespace = namespace_at.text() or DEFAULT_NAMESPACE
        labels = _labels(meta.get("labels"))
        # a generateName prefix (`migrate-`) is the stable part of the name
        return _Meta(
            kind, name.rstrip("-"), namespace, at.doc.file, name_at.line, labels, at.doc.note
        )

    def _workload(self, at: _Cursor, meta: _Meta) -> _Workload | None:
        template: _Cursor | None = at
        for key in _POD_TEMPLATES[meta.kind]:
            if template is None or template.mapping() is None:
                return None
            template = template.require(key)
        if template is None or template.mapping() is None:
            return None
        if meta.kind == "Pod":
            pod_labels = meta.labels
        else:
            pod_labels = _labels(template.path("metadata", "labels"))
        spec = template.require("spec")
        if spec is None or spec.mapping() is None:
            return None
        workload = _Workload(meta, pod_labels, self._containers(spec), _volumes(spec))
        workload.hostname = _optional_text(spec.get("hostname"))
        workload.subdomain = _optional_text(spec.get("subdomain"))
        if meta.kind == "StatefulSet":
            workload.service_name = _optional_text(at.path("spec", "serviceName"))
        return workload

    def _containers(self, spec: _Cursor) -> list[_Container]:
        found: list[_Container] = []
        if spec.require("containers") is None:
            return found
        for key, init in (("initContainers", True), ("containers", False)):
            items = spec.get(key)
            for item in items.items() if items is not None else ():
                container = self._container(item, init)
                if container is not None:
                    found.append(container)
        return found

    def _container(self, at: _Cursor, init: bool) -> _Container | None:
        if at.mapping() is None:
            return None
        name_at = at.require("name")
        name = name_at.text() if name_at is not None else None
        if name is None:
            return None
        container = _Container(name, init, _optional_text(at.get("image")))
        for key in ("command", "args"):
            items = at.get(key)
            for item in items.items() if items is not None else ():
                value = item.text()
                if value is not None:
                    container.args.append(_Arg(key, item.located(value)))
        env = at.get("env")
        for item in env.items() if env is not None else ():
            variable = self._env_var(item)
            if variable is not None:
                container.env.append(variable)
        env_from = at.get("envFrom")
        for item in env_from.items() if env_from is not None else ():
            source = self._env_from(item)
            if source is not None:
                container.env_from.append(source)
        return container

    def _env_var(self, at: _Cursor) -> _EnvVar | None:
        if at.mapping() is None:
            return None
        name_at = at.require("name")
        name = name_at.text() if name_at is not None else None
        if name is None:
            return None
        value_at, from_at = at.get("value"), at.get("valueFrom")
        if value_at is not None:
            value = value_at.text()
            return None if value is None else _EnvVar(name, at.line, value_at.located(value))
        if from_at is None or from_at.mapping() is None:
            return _EnvVar(name, at.line, at.located(""))  # defined, and empty
        ref = from_at.get("configMapKeyRef")
        if ref is not None:
            config_map, key = _text_of(ref, "name"), _text_of(ref, "key")
            if config_map is None or key is None:
                return None
            return _EnvVar(name, at.line, config_map=config_map, key=key)
        if from_at.get("secretKeyRef") is not None:
            self.summary.secret_refs += 1
        else:  # fieldRef, resourceFieldRef: the pod's own facts
            self.summary.field_refs += 1
        return _EnvVar(name, at.line, unknown=True)

    def _env_from(self, at: _Cursor) -> _EnvFrom | None:
        if at.mapping() is None:
            return None
        prefix = _optional_text(at.get("prefix"))
        ref = at.get("configMapRef")
        if ref is not None:
            config_map = _text_of(ref, "name")
            return None if config_map is None else _EnvFrom(config_map, prefix, at.line)
        if at.get("secretRef") is not None:
            self.summary.secret_refs += 1
        return None


def _text_of(at: _Cursor, key: str) -> str | None:
    """A required string under `key` of a mapping (reported when missing or wrong)."""
    if at.mapping() is None:
        return None
    found = at.require(key)
    return found.text() if found is not None else None


def _optional_text(at: _Cursor | None) -> str:
    if at is None:
        return ""
    return at.text() or ""


def _labels(at: _Cursor | None) -> dict[str, str]:
    """Labels or a selector: strings only, as the API requires (`version: 2` is refused)."""
    labels: dict[str, str] = {}
    for key, item in at.entries() if at is not None else ():
        value = "" if item.value is None else item.text()
        if value is not None:
            labels[key] = value
    return labels


def _volumes(spec: _Cursor) -> list[_Volume]:
    """ConfigMaps the pod mounts, directly or through a projected volume."""
    found: list[_Volume] = []
    volumes = spec.get("volumes")
    for item in volumes.items() if volumes is not None else ():
        if item.mapping() is None:
            continue
        name = _optional_text(item.get("name"))
        sources = [item.get("configMap")]
        projected = item.path("projected", "sources")
        for part in projected.items() if projected is not None else ():
            sources.append(part.path("configMap"))
        for source in sources:
            volume = _volume(name, source) if source is not None else None
            if volume is not None:
                found.append(volume)
    return found


def _volume(name: str, at: _Cursor) -> _Volume | None:
    config_map = _text_of(at, "name")
    if config_map is None:
        return None
    keys: tuple[str, ...] | None = None
    items = at.get("items")
    if items is not None:
        keys = tuple(key for item in items.items() if (key := _text_of(item, "key")) is not None)
    return _Volume(name, config_map, keys, at.line)


def _service(at: _Cursor, meta: _Meta) -> _Service:
    spec = at.get("spec")
    selector: dict[str, str] = {}
    external: str | None = None
    if spec is not None and spec.mapping() is not None:
        selector = _labels(spec.get("selector"))
        if _optional_text(spec.get("type")) == "ExternalName":
            external = _optional_text(spec.get("externalName")).lower().rstrip(".") or None
    return _Service(meta.name, meta.namespace, selector, external)


def _config_map(at: _Cursor, meta: _Meta) -> _ConfigMap:
    data: dict[str, _Text] = {}
    data_at = at.get("data")
    for key, item in data_at.entries() if data_at is not None else ():
        value = "" if item.value is None else item.text()
        if value is not None:
            data[key] = item.located(value)
    return _ConfigMap(meta.name, meta.namespace, data)


# ---------------------------------------------------------------- names and DNS


class _Cluster:
    """What the input's DNS would answer: host names -> the workloads behind them."""

    def __init__(self, reader: _Reader, summary: KubernetesSummary) -> None:
        self.services = reader.services
        self.summary = summary
        workloads = list(reader.workloads.values())
        self.namespaces = (
            {w.namespace for w in workloads}
            | {ns for ns, _ in reader.services}
            | {ns for ns, _ in reader.config_maps}
        )
        # (namespace, label, value) -> workloads: a selector is the intersection of its
        # pairs, so matching never compares every Service with every workload
        self._by_label: dict[tuple[str, str, str], list[_Workload]] = defaultdict(list)
        for workload in workloads:
            for label, value in workload.pod_labels.items():
                self._by_label[(workload.namespace, label, value)].append(workload)
        self._stateful = {
            (w.namespace, w.meta.name): w for w in workloads if w.meta.kind == "StatefulSet"
        }
        self._pods = {
            (w.namespace, w.hostname, w.subdomain): w
            for w in workloads
            if w.hostname and w.subdomain
        }
        self._backing: dict[tuple[str, str], list[_Workload]] = {}

    def resolve(self, host: str, namespace: str, hops: int = 0) -> list[_Workload] | None:
        """The workloads `host` reaches from `namespace`; [] when it names a Service of
        the input that stands for none; None when it names nothing of the input."""
        labels = host.split(".")
        if labels[-2:] == ["cluster", "local"]:
            labels = labels[:-2]
            if not labels or labels[-1] != "svc":
                return None
        if labels[-1] == "svc" and len(labels) in (3, 4):  # fully qualified
            if len(labels) == 3:
                return self._service(labels[0], labels[1], hops)
            return self._pod(labels[0], labels[1], labels[2])
        if len(labels) == 1:
            return self._service(labels[0], namespace, hops)
        if len(labels) == 2:
            # the search list tries `<ns>.svc.cluster.local` (pod DNS) first
            pod = self._pod(labels[0], labels[1], namespace)
            if pod:
                return pod
            service = self._service(labels[0], labels[1], hops)
            return service if service is not None else pod
        if len(labels) == 3:
            return self._pod(labels[0], labels[1], labels[2])
        return None

    def _service(self, name: str, namespace: str, hops: int) -> list[_Workload] | None:
        service = self.services.get((namespace, name))
        if service is None:
            return None
        if service.external_name is not None:
            if hops >= _MAX_EXTERNAL_HOPS:
                return []
            return self.resolve(service.external_name, namespace, hops + 1) or []
        found = self.backing(service)
        if not found:
            self.summary.unbacked_services.append(f"{namespace}/{name}")
        return found

    def backing(self, service: _Service) -> list[_Workload]:
        key = (service.namespace, service.name)
        if key not in self._backing:
            self._backing[key] = self._select(service)
        return self._backing[key]

    def _select(self, service: _Service) -> list[_Workload]:
        if not service.selector:  # no selector: endpoints managed by hand, unknown here
            return []
        pairs = service.selector.items()
        smallest = min(
            (self._by_label.get((service.namespace, k, v), []) for k, v in pairs), key=len
        )
        return [w for w in smallest if all(w.pod_labels.get(k) == v for k, v in pairs)]

    def _pod(self, pod: str, subdomain: str, namespace: str) -> list[_Workload] | None:
        if (namespace, subdomain) not in self.services:
            return None
        ordinal = _STATEFUL_POD.fullmatch(pod)
        if ordinal:
            stateful = self._stateful.get((namespace, ordinal.group(1)))
            if stateful is not None and stateful.service_name == subdomain:
                return [stateful]
        named = self._pods.get((namespace, pod, subdomain))
        return [named] if named is not None else []

    def dangling(self, host: str, strong: bool) -> bool:
        """Whether a host that names nothing of the input is a reference into the cluster."""
        labels = host.split(".")
        if host.endswith((".svc", ".svc.cluster.local")):
            return True
        if len(labels) == 2 and labels[1] in self.namespaces:
            return True
        return strong and len(labels) == 1 and _LABEL.fullmatch(host) is not None


def _node_names(workloads: list[_Workload]) -> None:
    """Name every workload's node: its name, qualified only where names clash."""
    names: dict[str, int] = defaultdict(int)
    qualified: dict[tuple[str, str], int] = defaultdict(int)
    for workload in workloads:
        names[workload.meta.name] += 1
        qualified[(workload.namespace, workload.meta.name)] += 1
    for workload in workloads:
        meta = workload.meta
        if names[meta.name] == 1:
            workload.node = meta.name
        elif qualified[(meta.namespace, meta.name)] == 1:
            workload.node = f"{meta.namespace}/{meta.name}"
        else:
            workload.node = f"{meta.namespace}/{meta.kind.lower()}/{meta.name}"


def _node(workload: _Workload) -> Node:
    meta = workload.meta
    labels = {
        **workload.pod_labels,
        **meta.labels,
        "kubernetes.kind": meta.kind,
        "kubernetes.namespace": meta.namespace,
    }
    text = f"{meta.kind} {meta.name}" + (f" (# Source: {meta.note})" if meta.note else "")
    return Node(
        id=workload.id,
        kind="service",
        name=workload.node,
        labels=tuple(sorted(labels.items())),
        declared_in=Evidence(meta.file, meta.line, text, SOURCE),
    )


# ---------------------------------------------------------------- variables


@dataclass(frozen=True)
class _Var:
    """A variable a container sees, and how to evidence it."""

    name: str
    text: str  # the value, expanded
    where: _Text  # where the value's lines were written
    file: str  # the workload's file
    line: int  # the workload line that brings the value in
    origin: str = "env"  # "env", "ref" (configMapKeyRef) or "envFrom"
    config_map: str = ""
    key: str = ""  # the ConfigMap key of a "ref"

    def evidence(self, index: int, line: str) -> list[Evidence]:
        shown = _snippet(line, self.name)
        if self.where.text.count("\n") != self.text.count("\n"):
            index = 0  # expansion added lines: point at the value's first line
        at = self.where.line_at(index)
        name = self.name
        if self.origin == "env":
            if self.text != self.where.text:
                written = _snippet(self.where.text, name)
                return [_evidence(self.where.file, at, f"env {name}={written} (= {shown})", name)]
            return [_evidence(self.where.file, at, f"env {name}={shown}", name)]
        if self.origin == "ref":
            via = f"env {name}={shown} via ConfigMap {self.config_map}"
            own = f"ConfigMap {self.config_map} {self.key}={shown}"
        else:
            via = f"envFrom ConfigMap {self.config_map}"
            own = f"envFrom ConfigMap {self.config_map} {name}={shown}"
        return [
            _evidence(self.file, self.line, via, name),
            _evidence(self.where.file, at, own, name),
        ]


def _evidence(file: str, line: int, text: str, env: str = "") -> Evidence:
    return Evidence(file, line, text, SOURCE, env)


def _snippet(text: str, key: str = "") -> str:
    """A line of a value as evidence shows it: passwords masked, long text cut."""
    shown = addresses.mask(text.strip()[:MAX_SCAN], key).replace("\n", " ")
    return shown if len(shown) <= _SNIPPET else shown[: _SNIPPET - 3] + "..."


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


def _kube_expand(text: str, env: dict[str, str]) -> str:
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


def _as_key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name.strip("-")).upper()


def _is_host_key(key: str) -> bool:
    """A name that says its bare value is a host (`DB_HOST`, `PGHOST`, `REDIS_ADDR`)."""
    words = [w for w in _as_key(key).split("_") if w]
    return any(w in _HOST_WORDS or w.endswith(("HOST", "ADDR")) for w in words)


def _is_telemetry(*names: str) -> bool:
    return any(addresses.classify_env(_as_key(n))[0] == "telemetry" for n in names if n)


def _image_name(image: str) -> str:
    """`otel/opentelemetry-collector-contrib:0.98@sha256:...` -> the repository's last part."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]


# ---------------------------------------------------------------- command lines


@dataclass(frozen=True)
class _Token:
    word: str
    line: int
    arg: _Arg
    text: str  # the whole line the word is on, for evidence


@dataclass(frozen=True)
class _Hit:
    host: str
    strong: bool  # a miss is a dangling reference if the name is a single label
    wait: bool  # named by a wait loop
    key: str  # the flag it was given to, for classification
    token: _Token


def _tokens(args: list[_Arg], env: dict[str, str]) -> Iterator[_Token]:
    """The words of `command` then `args`, expanded; a line break inside one item ends
    a shell command (a `;`), the end of an item does not (items are argv)."""
    for arg in args:
        value = _shell_expand(_kube_expand(arg.value.text, env), env)
        changed = value.count("\n") != arg.value.text.count("\n")
        lines = value.split("\n")
        for index, line in enumerate(lines):
            at = arg.value.line_at(0 if changed else index)
            for match in _SHELL_TOKEN.finditer(line[:MAX_SCAN]):
                yield _Token(match.group(), at, arg, line)
            if index < len(lines) - 1:
                yield _Token(";", at, arg, line)


def _scan(tokens: Iterator[_Token]) -> Iterator[_Hit]:
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
            host = _bare(word)
            if host and not word.startswith(("@", "+")):
                positional_done = True
                yield _Hit(host, True, True, key, token)
                continue
        yield from _word_hits(token, word, key, tool)


def _word_hits(token: _Token, word: str, key: str, tool: str) -> Iterator[_Hit]:
    """Hosts in one word given to `key` (a flag, or "" for a positional word)."""
    wait = bool(tool)
    address_key = addresses.is_address_key(_as_key(key))
    # host -> (strong, wait)
    hosts = dict.fromkeys(addresses.hosts_in(word), (wait or address_key, wait))
    if tool in _URL_TOOLS and "://" not in word and _HOST_PATH.fullmatch(word):
        hosts.update(dict.fromkeys(addresses.hosts_in("http://" + word), (True, True)))
    # `echo > /dev/tcp/db/5432` is bash's way to wait for a port, whatever runs it
    hosts.update({m.group(1).lower(): (True, True) for m in _DEV_TCP.finditer(word)})
    bare = _bare(word)
    if bare and tool in _HOST_FLAG_TOOLS and key in _HOST_FLAGS:
        hosts.setdefault(bare, (True, True))
    elif bare and address_key:
        hosts.setdefault(bare, (wait or _is_host_key(key), wait))
    for host, (strong, waits) in hosts.items():
        yield _Hit(host, strong, waits, key, token)


def _bare(word: str) -> str:
    """A word that can be a host name by itself, lower-cased; "" otherwise."""
    host = word.lower().rstrip(".")
    if not _BARE_NAME.fullmatch(host) or not any(c.isalpha() for c in host):
        return ""
    return "" if host in _NOT_HOSTS or host.endswith(".localhost") else host


# ---------------------------------------------------------------- edges


class _Emitter:
    """Turns what was read into nodes and edges."""

    def __init__(self, reader: _Reader, out: Fragment, summary: KubernetesSummary) -> None:
        self.reader = reader
        self.out = out
        self.summary = summary
        self.cluster = _Cluster(reader, summary)
        self.edges: dict[tuple[str, str, str, str], Edge] = {}
        self.seen: set[tuple[tuple[str, str, str, str], Evidence]] = set()  # not O(n^2)
        self.dangling: set[str] = set()

    def run(self) -> None:
        workloads = list(self.reader.workloads.values())
        _node_names(workloads)
        self.out.nodes.extend(_node(w) for w in workloads)
        for workload in workloads:
            self._workload(workload)
        self.out.nodes.extend(
            Node(id=node_id("dangling", host), kind="dangling", name=host)
            for host in sorted(self.dangling)
        )
        self.out.edges.extend(self.edges.values())

    def _workload(self, workload: _Workload) -> None:
        images = [_image_name(c.image) for c in workload.containers]
        quiet = _is_telemetry(workload.meta.name, *images)
        for container in workload.containers:
            env = self._environment(workload, container)
            for variable in env.values():
                self._variable(workload, variable, quiet)
            values = {name: v.text for name, v in env.items()}
            self._commands(workload, container, values, quiet)
        for volume in workload.volumes:
            self._volume(workload, volume, quiet)

    # ------------------------------------------------------------ sources of hosts

    def _environment(self, workload: _Workload, container: _Container) -> dict[str, _Var]:
        """The container's variables in the kubelet's order: envFrom, then env."""
        env: dict[str, _Var] = {}
        values: dict[str, str] = {}
        file = workload.meta.file
        for source in container.env_from:
            config_map = self._config_map(workload.namespace, source.config_map)
            for key, text in config_map.data.items() if config_map is not None else ():
                name = source.prefix + key
                env[name] = _Var(
                    name, text.text, text, file, source.line, "envFrom", source.config_map
                )
                values[name] = text.text
        for item in container.env:
            variable = self._env_item(workload, item, values)
            env.pop(item.name, None)  # a later definition replaces an earlier one
            values.pop(item.name, None)
            if variable is not None:
                env[item.name] = variable
                values[item.name] = variable.text
        return env

    def _env_item(self, workload: _Workload, item: _EnvVar, values: dict[str, str]) -> _Var | None:
        file = workload.meta.file
        if item.value is not None:
            try:
                expanded = _kube_expand(item.value.text, values)
            except Oversized as exc:
                self.out.diagnostics.append(Diagnostic(file, item.line, f"env {item.name} {exc}"))
                return None
            return _Var(item.name, expanded, item.value, file, item.line)
        if item.unknown:
            return None
        config_map = self._config_map(workload.namespace, item.config_map)
        if config_map is None:
            return None
        text = config_map.data.get(item.key)
        if text is None:
            self.summary.missing_config_maps.append(
                f"{workload.namespace}/{item.config_map}[{item.key}]"
            )
            return None
        return _Var(item.name, text.text, text, file, item.line, "ref", item.config_map, item.key)

    def _config_map(self, namespace: str, name: str) -> _ConfigMap | None:
        found = self.reader.config_maps.get((namespace, name))
        if found is None:
            self.summary.missing_config_maps.append(f"{namespace}/{name}")
        return found

    def _variable(self, workload: _Workload, variable: _Var, quiet: bool) -> None:
        kind, strength = _classify(variable.name, quiet, variable.text)
        for index, line in enumerate(variable.text.split("\n")):
            for host, strong in self._hosts(variable.name, line):
                evidence = variable.evidence(index, line)
                self._link(workload, host, strong, kind, strength, evidence)

    def _commands(
        self, workload: _Workload, container: _Container, env: dict[str, str], quiet: bool
    ) -> None:
        try:
            hits = list(_scan(_tokens(container.args, env)))
        except Oversized as exc:
            first = container.args[0].value if container.args else None
            where = (first.file, first.line) if first else (workload.meta.file, 0)
            self.out.diagnostics.append(Diagnostic(*where, f"{container.label}: {exc}"))
            return
        for hit in hits:
            kind: str
            strength: Strength
            if container.init or hit.wait:
                kind, strength = "startup", "hard"
            else:
                kind, strength = _classify(hit.key, quiet)
            token = hit.token
            text = f"{container.label} {token.arg.field}: {_snippet(token.text)}"
            evidence = [_evidence(token.arg.value.file, token.line, text)]
            self._link(workload, hit.host, hit.strong, kind, strength, evidence)

    def _volume(self, workload: _Workload, volume: _Volume, quiet: bool) -> None:
        config_map = self._config_map(workload.namespace, volume.config_map)
        if config_map is None:
            return
        mounted = volume.config_map
        head = _evidence(
            workload.meta.file, volume.line, f"volume {volume.name} ConfigMap {mounted}"
        )
        for key in volume.keys if volume.keys is not None else tuple(config_map.data):
            text = config_map.data.get(key)
            if text is None:
                self.summary.missing_config_maps.append(f"{workload.namespace}/{mounted}[{key}]")
                continue
            for index, line in enumerate(text.text.split("\n")):
                if line.lstrip().startswith(("#", "//", ";")):
                    continue  # a commented-out address is not a dependency
                found = _LINE_KEY.fullmatch(line)
                line_key, value = (found.group(1), found.group(2)) if found else ("", line)
                quiet_here = quiet or _is_telemetry(key, mounted, line_key)
                kind, strength = _classify("", quiet_here)
                own = _evidence(
                    text.file, text.line_at(index), f"ConfigMap {mounted} {key}: {_snippet(line)}"
                )
                for host, strong in self._hosts(line_key, value if found else line):
                    self._link(workload, host, strong, kind, strength, [head, own])

    def _hosts(self, key: str, line: str) -> list[tuple[str, bool]]:
        """(host, strong) named by one line of the value of `key`."""
        if len(line) > MAX_SCAN:
            self.summary.truncated_lines += 1
            line = line[:MAX_SCAN]
        address_key = bool(key) and addresses.is_address_key(key)
        found = {host: address_key for host in addresses.hosts_in(line)}
        if address_key:
            strong = _is_host_key(key)
            for word in _WORDS.split(line.strip()):
                bare = _bare(word)
                if bare and bare not in found:
                    found[bare] = strong
        return list(found.items())

    # ------------------------------------------------------------ edges

    def _link(
        self,
        workload: _Workload,
        host: str,
        strong: bool,
        kind: str,
        strength: Strength,
        evidence: list[Evidence],
    ) -> None:
        targets = self.cluster.resolve(host, workload.namespace)
        if targets is None:
            if self.cluster.dangling(host, strong):
                self.dangling.add(host)
                self._add(workload.id, node_id("dangling", host), kind, strength, evidence)
            return
        for target in targets:
            if target is not workload:  # a workload naming itself is identity
                self._add(workload.id, target.id, kind, strength, evidence)

    def _add(
        self, source: str, target: str, kind: str, strength: Strength, evidence: list[Evidence]
    ) -> None:
        key = (source, target, kind, strength)
        edge = self.edges.get(key)
        if edge is None:
            edge = self.edges[key] = Edge(source, target, kind, strength)
        for item in evidence:
            if (key, item) not in self.seen:
                self.seen.add((key, item))
                edge.evidence.append(item)


def _classify(key: str, quiet: bool, value: str = "") -> tuple[str, Strength]:
    if quiet:
        return ("telemetry", "soft")
    if not key:
        return ("runtime", "hard")
    return addresses.classify_env(_as_key(key), value)
