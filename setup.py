"""Packaging for pulumi-fsx-copy."""

from pathlib import Path

from setuptools import find_packages, setup

TESTING = ["moto[server]>=5.2,<6", "pytest>=8"]
"""The testing kit: the FSx emulator on moto, and pytest, which runs its fixtures (the pytest11 entry point)."""
# The provider relies on internals of the Pulumi SDK that it does not promise (pulumi_fsx_copy/engine/sdk_internals.py):
# allow only the SDK releases CI proves. `make sdk-matrix` runs the tests that depend on those internals and a
# lifecycle through the real CLI on the lower bound exactly and on the newest release the range admits (.ci/run's
# `make test`: the lower bound in its own virtualenv, the newest being the suite's own .venv). The rule for
# widening it: when PyPI serves a new minor release, raise the upper bound to the next one and run
# `make sdk-matrix`; merge only when it passes (if it fails, sdk_internals.py adapts first). Keep the lower bound
# (users upgrade late) unless the oldest can no longer pass; update the versions tested in the README's "Install"
# either way.
PULUMI_SDK = "pulumi>=3.253,<3.273"
DEV = [
    *TESTING,
    "pytest-timeout>=2.3",
    "pytest-xdist>=3.6",
    "hypothesis>=6.100",
    "ruff>=0.6",
    "mypy>=1.10",
    "import-linter>=2.1",
    "pylint>=3.3",
    "boto3-stubs[fsx,kms,sts]>=1.34",
    "pulumi-aws>=6,<8",
]

setup(
    name="pulumi-fsx-copy",
    version="0.1.0",
    description="A Pulumi resource that copies an Amazon FSx backup to another AWS Region (or clones it in one).",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    packages=find_packages(include=["pulumi_fsx_copy", "pulumi_fsx_copy.*"]),
    package_data={"pulumi_fsx_copy": ["py.typed"]},
    python_requires=">=3.10",
    install_requires=[PULUMI_SDK, "boto3>=1.34"],
    extras_require={"testing": TESTING, "dev": DEV},
    entry_points={"pytest11": ["pulumi_fsx_copy = pulumi_fsx_copy.pytest_plugin"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Programming Language :: Python :: 3.14",
        "Topic :: System :: Archiving :: Backup",
        "Typing :: Typed",
    ],
)
