pytest_plugins = ["pulumi_fsx_copy.testing.pytest_plugin"]
