"""A real moto server on 127.0.0.1 for the AWS collector tests: boto3 reaches it over HTTP via AWS_ENDPOINT_URL."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """Start one moto server for the session on a free loopback port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server._server.server_port
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean moto state, and an environment where boto3 talks only to it with fake credentials."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key, raising=False)
    for key, value in {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    yield moto_endpoint


def client(service: str, region: str = "eu-west-1", **kwargs: Any) -> Any:
    """A boto3 client for seeding moto (uses the environment the `moto` fixture set)."""
    import boto3

    return boto3.client(service, region_name=region, **kwargs)


@contextmanager
def botocore_hook(hook: Callable[..., None]) -> Iterator[None]:
    """A `before-call` hook in botocore's built-in handlers, so every session (and client) made meanwhile has it."""
    from botocore import handlers

    spec = ("before-call", hook)
    handlers.BUILTIN_HANDLERS.append(spec)
    try:
        yield
    finally:
        handlers.BUILTIN_HANDLERS.remove(spec)
