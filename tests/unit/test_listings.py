"""RegionListings: one listing per Region and AWS settings per run, shared by concurrent callers; a fresh one
for a caller that needs copies this process made since."""

from __future__ import annotations

import threading
import time

import pytest

from pulumi_fsx_copy.aws.backup import Backup
from pulumi_fsx_copy.aws.clients import RESOURCE_SETTINGS, AwsClients
from pulumi_fsx_copy.aws.gateway import AwsGateway
from pulumi_fsx_copy.aws.listings import RegionListings
from pulumi_fsx_copy.engine.waiting import Backoff, Deadline, PollPolicy
from pulumi_fsx_copy.errors import ThrottledError
from pulumi_fsx_copy.rules.awsconfig import AwsSettings

REGION = "us-west-2"


class Region:
    """A Region's copies, listed slowly, counting the listings per (settings, Region)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.copies: list[Backup] = [Backup("backup-0")]
        self.listings: dict[tuple[str, str], int] = {}
        self.settings = "account-a"
        self.fail = 0

    def scope(self, region: str) -> tuple[str, str]:
        return (self.settings, region)

    def list(self, region: str, deadline: Deadline) -> list[Backup]:
        key = self.scope(region)
        self.listings[key] = self.listings.get(key, 0) + 1
        time.sleep(self.seconds)
        if self.fail:
            self.fail -= 1
            raise ThrottledError("Rate exceeded", operation="DescribeBackups", region=region)
        return list(self.copies)


def test_concurrent_callers_share_one_listing_in_flight() -> None:
    region = Region(seconds=0.3)
    listings = RegionListings(region.list, region.scope)
    seen: list[int] = []

    def create() -> None:
        seen.append(len(listings.copies(REGION, Deadline(30), who="resource")))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert region.listings == {("account-a", REGION): 1}
    assert seen == [1] * 8
    listings.copies(REGION, Deadline(30), who="another")
    assert region.listings == {("account-a", REGION): 1}, "a later caller of the run listed again"


def test_other_settings_and_other_regions_are_listed_on_their_own() -> None:
    region = Region()
    listings = RegionListings(region.list, region.scope)
    listings.copies(REGION, Deadline(30))
    region.settings = "account-b"
    listings.copies(REGION, Deadline(30))
    listings.copies("eu-west-1", Deadline(30))

    assert region.listings == {("account-a", REGION): 1, ("account-b", REGION): 1, ("account-b", "eu-west-1"): 1}


def test_a_copy_made_by_this_process_is_seen_by_who_needs_it() -> None:
    region = Region()
    listings = RegionListings(region.list, region.scope)
    listings.copies(REGION, Deadline(30), who="a")
    region.copies.append(Backup("backup-1"))
    listings.made(REGION, "a")

    assert len(listings.copies(REGION, Deadline(30), who="b")) == 1, "another resource's create needs no new listing"
    assert len(listings.copies(REGION, Deadline(30), who="a")) == 2
    assert len(listings.copies(REGION, Deadline(30))) == 2, "a delete awaiting a replacement sees the new copy"
    assert region.listings == {("account-a", REGION): 2}


def test_a_failed_listing_is_not_kept() -> None:
    region = Region()
    region.fail = 1
    listings = RegionListings(region.list, region.scope)
    with pytest.raises(ThrottledError):
        listings.copies(REGION, Deadline(30))

    assert len(listings.copies(REGION, Deadline(30))) == 1
    assert region.listings == {("account-a", REGION): 2}


def test_the_gateway_scopes_a_region_by_the_aws_settings_in_force() -> None:
    """Two resources with other aws Providers (another profile, another role) never share a Region's listing."""
    gateway = AwsGateway(AwsClients(AwsSettings()), PollPolicy(), Backoff())
    stack = gateway.scope(REGION)
    token = RESOURCE_SETTINGS.set(AwsSettings(profile="other-account"))
    try:
        other = gateway.scope(REGION)
    finally:
        RESOURCE_SETTINGS.reset(token)

    assert stack != other
    assert gateway.scope(REGION) == stack != gateway.scope("eu-west-1")
