"""Registry of the resource types a snapshot may hold, with the fields checks read.

Collectors fill exactly these; `docs/snapshot-format.md` is generated from this registry.
Every resource record is a JSON object with at least `id` (a stable, unique identifier such
as an ARN or full resource name); `region` is set for regional resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assessor.resource_types import aws, azure, gcp


@dataclass(frozen=True)
class ResourceType:
    name: str
    description: str
    fields: dict[str, str] = field(default_factory=dict)
    source: str = ""  # the API operation(s) that produce it


def _build() -> dict[str, ResourceType]:
    registry: dict[str, ResourceType] = {}
    for module in (aws, azure, gcp):
        for name, spec in module.TYPES.items():
            if name in registry:
                raise RuntimeError(f"resource type {name} declared twice")
            registry[name] = ResourceType(
                name=name,
                description=spec["description"],
                fields=dict(spec.get("fields", {})),
                source=spec.get("source", ""),
            )
    return registry


RESOURCE_TYPES: dict[str, ResourceType] = _build()


def provider_of(type_name: str) -> str:
    return type_name.split(".", 1)[0]
