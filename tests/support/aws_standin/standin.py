"""A stand-in of pulumi-aws's plugin (``pulumi-resource-aws``), for tests only: its plugin binary cannot be
downloaded here. It only lets the engine register pulumi-aws ``Provider`` resources, as the real plugin's
schema does (its CheckConfig and DiffConfig are left unimplemented, so the engine takes the program's inputs as
they are; Configure accepts them); it serves no pulumi-aws resource. Put its directory first on PATH: the
engine then runs it as an ambient plugin.
"""

from __future__ import annotations

import sys
from importlib.metadata import version

from pulumi.provider import Provider
from pulumi.provider.server import main

if __name__ == "__main__":
    main(Provider(version=version("pulumi_aws")), sys.argv[1:])
