"""Listing helpers for tests: every page, as a client of AWS (and of the emulator's short pages) must."""

from __future__ import annotations

from typing import Any


def all_backups(fsx: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Every backup ``DescribeBackups(**kwargs)`` lists through the boto3 FSx client ``fsx``, all pages."""
    pages = fsx.get_paginator("describe_backups").paginate(**kwargs)
    return [dict(backup) for page in pages for backup in page.get("Backups") or []]


def all_tags(fsx: Any, arn: str) -> dict[str, str]:
    """Every tag of resource ``arn`` (ListTagsForResource, all pages) as a dict."""
    pages = fsx.get_paginator("list_tags_for_resource").paginate(ResourceARN=arn)
    return {tag["Key"]: tag["Value"] for page in pages for tag in page.get("Tags") or []}
