"""Region -> partition from botocore's data, and typo suggestions."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from botocore.loaders import create_loader

from pulumi_fsx_copy.rules.regions import is_known_region, partition_of, suggest_region


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
    loader = create_loader()
    for data, id_key in (("endpoints", "partition"), ("partitions", "id")):
        for part in loader.load_data(data)["partitions"]:
            pattern = re.compile(part["regionRegex"])
            for region in filter(pattern.match, part["regions"]):
                assert partition_of(region) == part[id_key], region


def test_a_known_region_is_decided_without_botocores_loader_and_a_typo_loads_it_once() -> None:
    # The loader's import (urllib3, dateutil, ...) would delay the first Check of every preview.
    code = (
        "import sys\n"
        "import pulumi_fsx_copy.rules.regions as r\n"
        "assert r.partition_of('us-east-1') == 'aws' and r.is_known_region('cn-north-1')\n"
        "assert 'botocore.loaders' not in sys.modules and r._region_partitions.cache_info().currsize == 0\n"
        "assert not r.is_known_region('us-wst-2') and r.suggest_region('us-wst-2') == 'us-west-2'\n"
        "info = r._region_partitions.cache_info()\n"
        "assert info.misses == 1 and info.hits == 1, info\n"
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
