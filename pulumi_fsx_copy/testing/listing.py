"""Listing helpers for tests: every page, as a client of AWS (and of the emulator's short pages) must."""

from __future__ import annotations

from typing import Any


def all_backups(fsx: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Every backup ``DescribeBackups(**kwargs)`` lists through the boto3 FSx client ``fsx``, all pages."""
    pages = fsx.get_paginator("describe_backups").paginate(**kwargs)
    return [dict(backup) for page in pages for backup in page.get("Backups") or []]


def all_tags(fsx: Any, arn: str) -> dict[str, str]:
    """Every tag of resource ``arn`` (ListTagsForResource, all pages) as a dict."""
    tags: dict[str, str] = {}
    kwargs: dict[str, Any] = {}
    while True:
        page = fsx.list_tags_for_resource(ResourceARN=arn, **kwargs)
        tags.update({tag["Key"]: tag["Value"] for tag in page.get("Tags") or []})
        if not page.get("NextToken"):
            return tags
        kwargs["NextToken"] = page["NextToken"]
