"""Check discovery through the `ir_assessor.checks` entry-point group, with load-time validation.

Built-in checks register through the same group as third-party ones. Set
IR_ASSESSOR_DISABLE_PLUGIN_AUTOLOAD=1 to load only this distribution's own checks (for tests).
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import cast

from assessor.checks_api import CHECK_ATTRIBUTE, CheckFunction, CheckSpec
from assessor.errors import PluginError
from assessor.models import Catalogue
from assessor.resource_types import RESOURCE_TYPES

ENTRY_POINT_GROUP = "ir_assessor.checks"
AUTOLOAD_ENV = "IR_ASSESSOR_DISABLE_PLUGIN_AUTOLOAD"
OWN_DISTRIBUTION = "ir-assessor"
CHECK_ID = re.compile(r"^(aws|gcp|azure)\.[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class RegisteredCheck:
    spec: CheckSpec
    function: CheckFunction
    plugin: str
    distribution: str


def _distribution_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return getattr(dist, "name", None) or "unknown distribution"


def discover_entry_points() -> list[EntryPoint]:
    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    if os.environ.get(AUTOLOAD_ENV, "").strip() not in ("", "0"):
        found = [ep for ep in found if _distribution_name(ep).lower() == OWN_DISTRIBUTION]
    return found


def _checks_in(module: ModuleType) -> Iterable[CheckFunction]:
    """Checks defined in a module or package (a package's submodules are imported too)."""
    modules = [module]
    if hasattr(module, "__path__"):
        import pkgutil

        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
            modules.append(importlib.import_module(f"{module.__name__}.{info.name}"))
    for mod in modules:
        for _, fn in sorted(inspect.getmembers(mod, callable), key=lambda m: m[0]):
            if hasattr(fn, CHECK_ATTRIBUTE) and getattr(fn, "__module__", None) == mod.__name__:
                yield cast(CheckFunction, fn)


def load_checks(catalogue: Catalogue, eps: Iterable[EntryPoint] | None = None) -> list[RegisteredCheck]:
    """Import every plugin and validate its checks against the catalogue and the resource registry."""
    registered: dict[str, RegisteredCheck] = {}
    for ep in discover_entry_points() if eps is None else eps:
        dist = _distribution_name(ep)
        where = f"plugin {ep.name!r} ({ep.value}) from {dist}"
        try:
            loaded = ep.load()
        except Exception as exc:
            raise PluginError(f"{where} failed to import: {type(exc).__name__}: {exc}") from exc
        functions = list(_checks_in(loaded)) if isinstance(loaded, ModuleType) else [loaded]
        if not functions:
            raise PluginError(f"{where} defines no checks (decorate functions with @check)")
        for fn in functions:
            spec = getattr(fn, CHECK_ATTRIBUTE, None)
            if not isinstance(spec, CheckSpec):
                raise PluginError(f"{where}: {fn!r} is not decorated with @check")
            problem = validate_spec(spec, catalogue)
            if problem:
                raise PluginError(f"{where}: check {spec.id!r}: {problem}")
            if spec.id in registered:
                other = registered[spec.id]
                raise PluginError(
                    f"{where}: check id {spec.id!r} is already registered by plugin "
                    f"{other.plugin!r} from {other.distribution}"
                )
            registered[spec.id] = RegisteredCheck(spec, fn, ep.name, dist)
    return [registered[k] for k in sorted(registered)]


def validate_spec(spec: CheckSpec, catalogue: Catalogue) -> str | None:
    """Return what is wrong with a check's metadata, or None."""
    if not CHECK_ID.match(spec.id):
        return "id must look like '<provider>.<service>.<name>' in lower case"
    if not spec.id.startswith(spec.provider + "."):
        return f"id must start with its provider {spec.provider!r}"
    controls = {c.id: c for c in catalogue.controls}
    control = controls.get(spec.control)
    if control is None:
        return f"unknown control {spec.control!r}"
    if not spec.title.strip():
        return "title is empty"
    if not spec.rationale:
        return "has no docstring; the docstring is the rationale shown in the report"
    if not spec.remediation.strip():
        return "remediation is empty"
    if not spec.needs:
        return "declares no resource types in needs="
    for type_name in spec.needs:
        if type_name not in RESOURCE_TYPES:
            return f"needs unknown resource type {type_name!r}"
    if spec.service_models is not None:
        extra = set(spec.service_models) - set(control.service_models)
        if extra:
            return f"service models {sorted(extra)} are outside control {control.id}'s"
    return None
