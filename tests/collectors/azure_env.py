"""An Azure tenant on the local HTTPS ARM server, reached by the CLI through the real azure-identity flow.

The tenant is the hand-written Resource Graph export in data/azure-resource-graph.json (a well-prepared and a
bare subscription, hostile tags and names included) plus the ARM documents of the same subscriptions in
data/azure-arm.json (kind -> scope -> items), served at the paths the collector's declared operations name. The
server is also the Entra ID authority: a client secret in the environment goes through MSAL's client-credentials
flow against it, and ARM accepts only the token it issued. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.collectors.azure_arm_server import ArmServer

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
EXPORT = DATA / "azure-resource-graph.json"
ARM = DATA / "azure-arm.json"
SECRET = "IrAzureSecretDoNotLeak5c1d"


def export_rows() -> list[dict[str, Any]]:
    data = json.loads(EXPORT.read_text())
    return list(data["data"] if isinstance(data, dict) else data)


def arm_collections(documents: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    """ARM path (lower case) -> items, for every kind and scope of the documents file."""
    from assessor.collectors.azure.collector import OPERATIONS

    paths: dict[str, list[dict[str, Any]]] = {}
    for kind, scopes in documents.items():
        ops = [op for op in OPERATIONS.values() if op.kind == kind or
               (kind == "diagnosticSettings" and op.kind == "resourceDiagnosticSettings")]
        for scope, items in scopes.items():
            op = ops[0]
            path = op.path.format(scope="" if scope == "/" else scope.rstrip("/"))
            paths[path.lower()] = items
    return paths


@dataclass
class AzureTenant:
    server: ArmServer
    folder: Path

    def options(self) -> list[str]:
        assert self.server.ca is not None
        return [f"--arm-endpoint={self.server.url}", f"--authority-host={self.server.url}",
                f"--ca-bundle={self.server.ca}"]

    def env(self, **extra: str) -> dict[str, str]:
        """No ambient Azure configuration; the service principal's secret in the environment, as in CI."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MSI_", "IDENTITY_"))}
        return {**keep, "PYTHONPATH": str(REPO), "HOME": str(self.folder), "AZURE_CONFIG_DIR": str(self.folder),
                "AZURE_TENANT_ID": self.server.tenant, "AZURE_CLIENT_ID": self.server.client_id,
                "AZURE_CLIENT_SECRET": SECRET, **extra}

    def cli(self, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        argv = [str(a) for a in args]
        if argv[:1] in (["collect"], ["scan"]):
            argv[2:2] = self.options()  # before the test's own options, which win when repeated
        return subprocess.run([sys.executable, "-m", "assessor", *argv], capture_output=True, text=True, cwd=REPO,
                              env=env or self.env(), timeout=300)


def start_tenant(folder: Path, *, rows: list[dict[str, Any]] | None = None,
                 documents: dict[str, dict[str, list[dict[str, Any]]]] | None = None, **options: Any) -> AzureTenant:
    server = ArmServer(rows=export_rows() if rows is None else rows, client_secret=SECRET,
                       collections=arm_collections(json.loads(ARM.read_text()) if documents is None else documents),
                       **options)
    server.start(folder)
    return AzureTenant(server, folder)
