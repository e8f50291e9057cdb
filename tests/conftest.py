import pytest
from hypothesis import HealthCheck, settings

from devkit.aws import SOURCE_REGION

# Property tests check behaviour, never speed: on a slow, shared machine no example may fail on a deadline
# or on how long input generation took. Tests that give their own settings inherit these defaults.
settings.register_profile(
    "no-timing",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("no-timing")


@pytest.fixture
def source(fsx_source_backups: dict[str, str]) -> str:
    """The test's source backup: the plugin's AVAILABLE backup seeded in us-east-1 on the emulator server (tags
    and file system type from the module's ``fsx_source_regions`` mark, if any). tests/emulator overrides it
    with a backup in whichever emulator its ``aws`` fixture runs."""
    return fsx_source_backups[SOURCE_REGION]
