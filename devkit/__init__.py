"""What tests/ and bench/ share (never shipped, not part of the package): the provider-process driver, the fake AWS
environment, the input bag, the emulator as boto3 sees it, the CLI helpers.
"""
