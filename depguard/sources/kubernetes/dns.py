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
_VERSION = re.compile(r"v\d[\w.]*|\d+|canary|stable|blue|green|primary|baseline|next|prev")


class Cluster:
    """What the input's DNS would answer: host names -> the workloads behind them."""

    def __init__(self, reader: Reader, summary: KubernetesSummary) -> None:
        self.services = reader.services
        self.entries = reader.entries
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

    def fronts(self) -> dict[int, str]:
        """id(workload) -> the Service that stands for it: one that selects several
        workloads (`reviews` in front of `reviews-v1`, `-v2`), or one whose name the
        workload's extends with a version (`productpage` in front of `productpage-v1`). Any other
        Service leaves a workload its own name, the one other sources (compose, a
        manifest, code) know it by."""
        chosen: dict[int, str] = {}
        for (_, name), service in sorted(self.services.items()):
            backing = self.backing(service) if service.external_name is None else []
            for workload in backing:
                version = _version_of(workload.meta.name, name)
                if (len(backing) > 1 or version) and (
                    id(workload) not in chosen or name == workload.meta.name
                ):
                    chosen[id(workload)] = name
        return chosen

    def entered(self) -> set[int]:
        """id() of the workloads outside traffic reaches: behind a LoadBalancer or
        NodePort Service, or a Service an Ingress or a Gateway API route sends to."""
        return {
            id(workload)
            for key, service in self.services.items()
            if service.exposed or key in self.entries
            for workload in self.backing(service)
        }

    def dangling(self, host: str, strong: bool) -> bool:
        """Whether a host that names nothing of the input is a reference into the cluster."""
        labels = host.split(".")
        if host.endswith((".svc", ".svc.cluster.local")):
            return True
        if len(labels) == 2 and labels[1] in self.namespaces:
            return True
        return strong and len(labels) == 1 and _LABEL.fullmatch(host) is not None


def _version_of(workload: str, service: str) -> bool:
    """Whether a workload's name is the Service's and a version (`-v1`, `-canary`)."""
    head, dash, tail = workload.rpartition("-")
    return bool(dash) and head == service and _VERSION.fullmatch(tail) is not None


def node_names(workloads: list[Workload], cluster: Cluster | None = None) -> None:
    """Name every workload's node: the Service in front of its versions (`reviews-v1`,
    `-v2` behind Service `reviews` are one node, `reviews`; see `Cluster.fronts`), else
    its own name; qualified only where names clash. The name depends on the whole
    input only, so it is the same on every run."""
    fronts = cluster.fronts() if cluster is not None else {}
    base = {id(w): fronts.get(id(w), w.meta.name) for w in workloads}
    namespaces: dict[str, set[str]] = defaultdict(set)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for workload in workloads:
        namespaces[base[id(workload)]].add(workload.namespace)
        if id(workload) not in fronts:
            kinds[(workload.namespace, workload.meta.name)].add(workload.meta.kind)
    for workload in workloads:
        meta, name = workload.meta, base[id(workload)]
        if id(workload) not in fronts and len(kinds[(meta.namespace, meta.name)]) > 1:
            workload.node = f"{meta.namespace}/{meta.kind.lower()}/{meta.name}"
        elif len(namespaces[name]) == 1:
            workload.node = name
        else:
            workload.node = f"{meta.namespace}/{name}"


def nodes(workloads: list[Workload], entered: set[int]) -> list[Node]:
    """One node per name: the workloads behind one Service are one node, declared where
    the first of them is, with every version's image."""
    groups: dict[str, list[Workload]] = defaultdict(list)
    for workload in workloads:
        groups[workload.node].append(workload)
    found = []
    for group in groups.values():
        group.sort(key=lambda w: (w.meta.file, w.meta.line))
        first = group[0]
        meta = first.meta
        labels = {
            **first.pod_labels,
            **meta.labels,
            "kubernetes.kind": meta.kind,
            "kubernetes.namespace": meta.namespace,
        }
        images = sorted({c.image for w in group for c in w.containers if c.image and not c.init})
        if images:
            labels["image"] = ",".join(images)
        if len(group) > 1:
            labels["kubernetes.workloads"] = ",".join(sorted(w.meta.name for w in group))
        text = f"{meta.kind} {meta.name}" + (f" (# Source: {meta.note})" if meta.note else "")
        found.append(
            Node(
                id=first.id,
                kind="service",
                name=first.node,
                labels=tuple(sorted(labels.items())),
                declared_in=Evidence(meta.file, meta.line, text, SOURCE),
                entrypoint=any(id(w) in entered for w in group),
            )
        )
    return found
