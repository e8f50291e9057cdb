"""boto3 clients, made inside the provider process on first use: one per (service, Region), thread-safe.

Credentials come from boto3's standard chain (optionally a named profile); endpoints from the standard
``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_FSX`` and ``AWS_ENDPOINT_URL_KMS`` settings, which botocore reads
itself. Retries are the provider's own (see ``retrying``), so botocore makes one attempt per call.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

_CLIENT_CONFIG = Config(
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=10,
    read_timeout=60,
    user_agent_extra="pulumi-fsx-copy",
)


class AwsClients:
    """A cache of boto3 clients for one AWS profile (or the default credential chain)."""

    def __init__(self, profile: str | None = None) -> None:
        self._profile = profile
        self._lock = threading.Lock()
        self._session: Any = None  # a boto3 Session, made on first use
        self._clients: dict[tuple[str, str], Any] = {}

    @property
    def profile(self) -> str | None:
        """The AWS profile in use, or None for the default credential chain."""
        return self._profile

    def fsx(self, region: str) -> Any:
        """The FSx client for ``region``."""
        return self._client("fsx", region)

    def kms(self, region: str) -> Any:
        """The KMS client for ``region``."""
        return self._client("kms", region)

    def _client(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            # boto3 sessions are not thread-safe; clients are, once made.
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    if self._session is None:
                        self._session = boto3.session.Session(profile_name=self._profile)
                    client = self._session.client(service, region_name=region, config=_CLIENT_CONFIG)
                    self._clients[key] = client
        return client
