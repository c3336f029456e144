"""gcp resource types a snapshot may hold (see the package docstring for conventions)."""

from typing import Any

TYPES: dict[str, dict[str, Any]] = {}
