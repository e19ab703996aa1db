"""What the reader keeps of each object: small records, and the run's summary.

Only these few facts outlive a document's parsed tree (see `objects`), so a large
stream is never held whole. `SOURCE` lives here because every module stamps it on
evidence and nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from depguard.model import node_id

SOURCE = "kubernetes"


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


@dataclass(frozen=True)
class Text:
    """A string of the input and where it was written."""

    text: str
    file: str
    line: int
    literal: bool = False  # a literal block: its n-th line is written at line + 1 + n

    def line_at(self, index: int) -> int:
        return self.line + 1 + index if self.literal else self.line


@dataclass(frozen=True)
class EnvVar:
    name: str
    line: int  # the env item
    value: Text | None = None
    config_map: str = ""  # configMapKeyRef
    key: str = ""
    unknown: bool = False  # a secret or a field: a value the manifest does not hold


@dataclass(frozen=True)
class EnvFrom:
    config_map: str
    prefix: str
    line: int


@dataclass(frozen=True)
class Volume:
    name: str
    config_map: str
    keys: tuple[str, ...] | None  # `items`: only these keys become files
    line: int


@dataclass(frozen=True)
class Arg:
    field: str  # "command" or "args"
    value: Text


@dataclass
class Container:
    name: str
    init: bool
    image: str = ""
    env: list[EnvVar] = field(default_factory=list)
    env_from: list[EnvFrom] = field(default_factory=list)
    args: list[Arg] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{'initContainer' if self.init else 'container'} {self.name}"


@dataclass(frozen=True)
class Meta:
    kind: str
    name: str
    namespace: str
    file: str
    line: int
    labels: dict[str, str]
    note: str  # the `# Source:` template of a helm-rendered stream


@dataclass
class Workload:
    meta: Meta
    pod_labels: dict[str, str]
    containers: list[Container]
    volumes: list[Volume]
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
class Service:
    name: str
    namespace: str
    selector: dict[str, str]
    external_name: str | None
    exposed: bool = False  # a LoadBalancer or NodePort: reachable from outside the cluster


@dataclass(frozen=True)
class ConfigMap:
    name: str
    namespace: str
    data: dict[str, Text]
