"""The run's listings of a destination Region: one per Region and AWS settings, shared by every create, read
and delete of the run (one in flight at a time); a fresh one only for copies this process made since. A listing
only nominates: every decision reads the copy again. Why that is enough: docs/dev/listings.md.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from ..engine.waiting import Deadline
from .backup import Backup

Lister = Callable[[str, Deadline], list[Backup]]
"""Lists a Region's copies now (``AwsGateway.list_copies``)."""
Scope = Callable[[str], Hashable]
"""A Region as the AWS settings in force see it (``AwsGateway.scope``)."""
_WAKE_SECONDS = 1.0
"""A caller waiting for another's listing looks at the engine's Cancel this often."""


@dataclass
class _Listing:
    started: float
    """This process's monotonic clock when the listing began."""
    done: threading.Event = field(default_factory=threading.Event)
    copies: list[Backup] | None = None


class RegionListings:
    """Per Region and AWS settings: the run's shared listing of copies, and when this process last made one."""

    def __init__(self, lister: Lister, scope: Scope) -> None:
        self._lister = lister
        self._scope = scope
        self._lock = threading.Lock()
        self._listings: dict[Hashable, _Listing] = {}
        self._made: dict[tuple[Hashable, str | None], float] = {}

    def made(self, region: str, who: str) -> None:
        """A CopyBackup for resource ``who`` (``Identity.who``) into ``region`` was answered (or may have made a
        copy): listings begun before now do not show it."""
        scope, now = self._scope(region), time.monotonic()
        with self._lock:
            self._made[(scope, who)] = self._made[(scope, None)] = now

    def copies(self, region: str, deadline: Deadline, *, who: str | None = None) -> list[Backup]:
        """The copies in ``region`` as a listing of this run shows them: the run's shared one, or (when this process
        made a copy for ``who`` since, or any copy when ``who`` is None) one begun after that, shared too. Raises
        what the listing raised (each caller then lists on its own, no failure is kept)."""
        scope = self._scope(region)
        while True:
            with self._lock:
                since = self._made.get((scope, who), -math.inf) if who is not None else self._last_made(scope)
                listing = self._listings.get(scope)
                mine = listing is None or listing.started < since
                if mine:
                    listing = self._listings[scope] = _Listing(time.monotonic())
            assert listing is not None
            if mine:
                return self._list(scope, listing, region, deadline)
            while not listing.done.wait(_WAKE_SECONDS):
                deadline.cancel.check()
            if listing.copies is not None:
                return list(listing.copies)

    def _last_made(self, scope: Hashable) -> float:
        return self._made.get((scope, None), -math.inf)

    def _list(self, scope: Hashable, listing: _Listing, region: str, deadline: Deadline) -> list[Backup]:
        try:
            listing.copies = self._lister(region, deadline)
            return list(listing.copies)
        except BaseException:
            with self._lock:
                if self._listings.get(scope) is listing:
                    del self._listings[scope]
            raise
        finally:
            listing.done.set()
