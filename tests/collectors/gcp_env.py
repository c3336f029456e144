"""A GCP organisation on the local Cloud Asset server, and a real service-account key that authenticates to it.

The organisation is the hand-written export in data/gcp-export.ndjson (organisation 111, folder 222, the
well-prepared project `ready-prj` and the bare `bare-prj`, hostile names included), plus what Cloud Asset does
not carry: the SCC tier and detectors, a findings notification to Pub/Sub and a security contact. The key is
an RSA key made for the session; its `token_uri` is the local server, which also verifies the self-signed JWTs
Google clients send, so google-auth runs its real flows and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.collectors.gcp_asset_server import AssetServer

REPO = Path(__file__).resolve().parents[2]
EXPORT = Path(__file__).parent / "data" / "gcp-export.ndjson"
CLIENT_EMAIL = "ir-assessor@ready-prj.iam.gserviceaccount.com"
ORG = "organizations/111"
SERVICES = ("cloudasset", "securitycenter", "securitycentermanagement", "essentialcontacts")


def export_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXPORT.read_text().splitlines() if line.strip()]


@cache
def _private_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class GcpOrg:
    server: AssetServer
    key_file: Path

    def endpoints(self) -> list[str]:
        return [f"--endpoint={service}={self.server.url}" for service in SERVICES]

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a CLI run: no ambient Google configuration, no metadata-server probe."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "CLOUDSDK_", "GCE_"))}
        return {**keep, "PYTHONPATH": str(REPO), "NO_GCE_CHECK": "true", "HOME": str(self.key_file.parent),
                **extra}

    def cli(self, *args: str | Path, key: bool = True, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        """`ir-assessor ARGS` as a subprocess; the key file and the local endpoints are added for collect/scan."""
        argv = [str(a) for a in args]
        if argv[:1] in (["collect"], ["scan"]):
            argv += self.endpoints() + (["--key-file", str(self.key_file)] if key else [])
        return subprocess.run([sys.executable, "-m", "assessor", *argv], capture_output=True, text=True,
                              cwd=REPO, env=env or self.env(), timeout=300)


def start_org(folder: Path, **server_options: Any) -> GcpOrg:
    from cryptography.hazmat.primitives import serialization

    options: dict[str, Any] = {
        "assets": export_lines(), "require_token": True,
        "scc_tiers": {ORG: "PREMIUM"},
        "scc_services": {ORG: {"event-threat-detection": "ENABLED", "vm-threat-detection": "ENABLED",
                               "container-threat-detection": "ENABLED", "security-health-analytics": "ENABLED"}},
        "scc_notifications": {ORG: [{"id": "to-siem", "pubsubTopic": "projects/ready-prj/topics/siem",
                                     "streamingConfig": {"filter": 'state = "ACTIVE"'}}]},
        "contacts": {ORG: [{"id": "7", "email": "soc@example.com", "validationState": "VALID",
                            "notificationCategorySubscriptions": ["SECURITY", "TECHNICAL"]}]},
    }
    options.update(server_options)
    server = AssetServer(**options).start()
    key = _private_key()
    server.signing_keys[CLIENT_EMAIL] = key.public_key()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    key_file = folder / "key.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "ready-prj", "private_key_id": "0123abcd", "private_key": pem,
        "client_email": CLIENT_EMAIL, "client_id": "1234567890", "token_uri": f"{server.url}/token",
    }))
    return GcpOrg(server, key_file)
