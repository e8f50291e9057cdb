"""Region -> partition from botocore's data, and typo suggestions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from botocore.loaders import create_loader

from pulumi_fsx_copy.regions import is_known_region, partition_of, suggest_region


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-west-3", "aws"),
        ("ap-southeast-2", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
    ],
)
def test_partition_of_real_regions(region: str, partition: str) -> None:
    assert partition_of(region) == partition
    assert is_known_region(region)


@pytest.mark.parametrize(
    "name", ["us-wst-2", "US-EAST-1", "", "aws-global", "aws-cn-global", "us-east-1 ", "mars-north-1"]
)
def test_unknown_names_have_no_partition(name: str) -> None:
    assert partition_of(name) is None
    assert not is_known_region(name)


def test_every_region_botocore_lists_is_known_with_its_partition() -> None:
    endpoints = create_loader().load_data("endpoints")
    for part in endpoints["partitions"]:
        for region in part["regions"]:
            assert partition_of(region) == part["partition"], region


def test_region_data_is_loaded_lazily_and_once() -> None:
    code = (
        "import pulumi_fsx_copy.regions as r\n"
        "assert r._region_partitions.cache_info().currsize == 0\n"
        "r.partition_of('us-east-1'); r.is_known_region('eu-west-1'); r.suggest_region('us-wst-2')\n"
        "info = r._region_partitions.cache_info()\n"
        "assert info.misses == 1 and info.hits == 2, info\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("us-wst-2", "us-west-2"),
        ("US-EAST-1", "us-east-1"),
        ("eu-westt-1", "eu-west-1"),
        ("cn-nort-1", "cn-north-1"),
    ],
)
def test_suggest_region_for_typos(typo: str, suggestion: str) -> None:
    assert suggest_region(typo) == suggestion


@pytest.mark.parametrize("text", ["", "banana", "x" * 10_000])
def test_no_suggestion_for_nonsense(text: str) -> None:
    assert suggest_region(text) is None
