"""What tests/ and bench/ share, imported as ``devkit.<module>`` (never shipped: setup.py packages only
pulumi_fsx_copy).

* ``driver``: a gRPC driver of the real ``python -m pulumi.dynamic`` provider process (``ProviderProcess``).
* ``aws``: the Regions the tests copy between, the fake AWS environment (the testing kit's
  ``FAKE_AWS_ENV``) for this process and for provider processes, boto3 clients of the emulator.
* ``inputs``: the property bag ``BackupCopy`` registers, as the engine sends it to Check (one builder).
* ``views``: what exists in the emulator, as boto3 sees it: live copies, a backup's lifecycle and tags.
* ``cli``: programs and URNs of the stacks run by the real ``pulumi`` CLI (tests/e2e), the process tree.
"""
