"""Example Pulumi programs that use ``BackupCopy``, and the demo that runs one offline."""
