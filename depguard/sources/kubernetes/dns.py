"""Names: what the input's cluster DNS answers, and the node name of each workload.

`Cluster.resolve` maps a host, as seen from a namespace, to the workloads behind it:
Service DNS through selectors (a label index, so never every Service against every
workload), pod DNS (StatefulSet ordinals, hostname/subdomain), ExternalName hops.
`node_names` depends on the whole input only, so a name is the same on every run.
"""

from __future__ import annotations

import re
from collections import defaultdict

from depguard.model import Evidence, Node
from depguard.sources.kubernetes.objects import Reader
from depguard.sources.kubernetes.records import SOURCE, KubernetesSummary, Service, Workload

_MAX_EXTERNAL_HOPS = 5
# a Service name (RFC 1035 label): what a bare word must look like to be dangling
_LABEL = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
_STATEFUL_POD = re.compile(r"(.+)-(\d+)")


class Cluster:
    """What the input's DNS would answer: host names -> the workloads behind them."""

    def __init__(self, reader: Reader, summary: KubernetesSummary) -> None:
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
        self._by_label: dict[tuple[str, str, str], list[Workload]] = defaultdict(list)
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
        self._backing: dict[tuple[str, str], list[Workload]] = {}

    def resolve(self, host: str, namespace: str, hops: int = 0) -> list[Workload] | None:
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

    def _service(self, name: str, namespace: str, hops: int) -> list[Workload] | None:
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

    def backing(self, service: Service) -> list[Workload]:
        key = (service.namespace, service.name)
        if key not in self._backing:
            self._backing[key] = self._select(service)
        return self._backing[key]

    def _select(self, service: Service) -> list[Workload]:
        if not service.selector:  # no selector: endpoints managed by hand, unknown here
            return []
        pairs = service.selector.items()
        smallest = min(
            (self._by_label.get((service.namespace, k, v), []) for k, v in pairs), key=len
        )
        return [w for w in smallest if all(w.pod_labels.get(k) == v for k, v in pairs)]

    def _pod(self, pod: str, subdomain: str, namespace: str) -> list[Workload] | None:
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


def node_names(workloads: list[Workload]) -> None:
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


def node(workload: Workload) -> Node:
    meta = workload.meta
    labels = {
        **workload.pod_labels,
        **meta.labels,
        "kubernetes.kind": meta.kind,
        "kubernetes.namespace": meta.namespace,
    }
    images = sorted({c.image for c in workload.containers if c.image and not c.init})
    if images:
        labels["image"] = ",".join(images)
    text = f"{meta.kind} {meta.name}" + (f" (# Source: {meta.note})" if meta.note else "")
    return Node(
        id=workload.id,
        kind="service",
        name=workload.node,
        labels=tuple(sorted(labels.items())),
        declared_in=Evidence(meta.file, meta.line, text, SOURCE),
    )
