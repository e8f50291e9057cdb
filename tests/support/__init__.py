"""What only the tests share, imported as ``tests.support.<module>`` (what bench/ needs too is in ``devkit``).

* ``fake_engine``: a stand-in of the engine's ``Engine`` gRPC service (the provider's Log calls).
* ``waits``: ``eventually``, a condition awaited with a timeout.
* one module per folder with helpers only that folder needs: ``concurrency``, ``reliability``,
  ``emulator``, ``provider``, ``program``.
"""
