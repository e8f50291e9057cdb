"""Fixtures of the reliability tests, and the plugin that writes their report from their run.

Every test module sets ``pytestmark = pytest.mark.scenario(number, title, checked)``.  A test counts its
cases with the ``cases`` fixture (``cases.add()``, e.g. once per hypothesis example); a test that never
does counts as one case.  At the end of a session that ran every test module of this directory with
nothing deselected, in one process (under pytest-xdist each worker runs a part, so none writes it), the
table is written, in a fixed order and without timings, so a re-run with the same results leaves the file
unchanged. It goes to ``build/reports/reliability.md`` (git-ignored): a test run
never rewrites a tracked file. ``make reliability-report`` runs these tests and copies the report to
``docs/reliability.md``, on purpose.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devkit.driver import ProviderProcess
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from tests.support.reliability import DR_REGION, Cases, Ledger, start_provider

HERE = Path(__file__).resolve().parent
REPORT = HERE.parents[1] / "build" / "reports" / "reliability.md"


# -- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture
def ledger() -> Ledger:
    """What the Pulumi state knows of copies, kept by the test as the engine would."""
    return Ledger()


@pytest.fixture(scope="module")
def shared_provider(fsx_server: EmulatorServer) -> Iterator[ProviderProcess]:
    """One provider process per module, against the session's emulator server (reset by ``fsx_remote``)."""
    process = start_provider(fsx_server.url)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def engine(shared_provider: ProviderProcess, fsx_remote: RemoteEmulator) -> ProviderProcess:
    """The module's provider process, with a freshly reset emulator."""
    return shared_provider


@pytest.fixture
def provider_factory(fsx_server: EmulatorServer) -> Iterator[_Factory]:
    """Start provider processes in a test; all are stopped at its end."""
    factory = _Factory(fsx_server.url)
    try:
        yield factory
    finally:
        factory.stop_all()


class _Factory:
    def __init__(self, url: str) -> None:
        self.url = url
        self.started: list[ProviderProcess] = []

    def __call__(
        self, *, region: str = DR_REGION, config: dict[str, object] | None = None, **env: str
    ) -> ProviderProcess:
        process = start_provider(self.url, config=config or {"aws:region": region}, **env)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            process.stop()


# -- the report -----------------------------------------------------------------------------------------


_CASES = pytest.StashKey[Cases]()


@pytest.fixture
def cases(request: pytest.FixtureRequest) -> Cases:
    """Count this test's cases (default: the test is one case)."""
    counter = Cases()
    request.node.stash[_CASES] = counter
    return counter


@dataclass(frozen=True)
class _Outcome:
    number: str
    title: str
    checked: str
    function: str
    result: str
    doc: str
    cases: int
    labels: tuple[tuple[str, int], ...]


@dataclass
class _Recorder:
    collected: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    deselected: bool = False
    outcomes: dict[str, _Outcome] = field(default_factory=dict)


_RECORDER = _Recorder()


def _is_ours(item: pytest.Item) -> bool:
    return Path(str(item.fspath)).resolve().parent == HERE


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenario(number, title, checked): the reliability scenario a test belongs to")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_ours(item):
            _RECORDER.collected.add(item.nodeid)
            _RECORDER.modules.add(Path(str(item.fspath)).name)


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(_is_ours(item) for item in items):
        _RECORDER.deselected = True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    marker = item.get_closest_marker("scenario") if _is_ours(item) else None
    if marker is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if hasattr(report, "wasxfail"):
            result = "xfailed (known bug)" if report.skipped else "XPASS (fixed? remove the xfail)"
        else:
            result = report.outcome
        counter = item.stash.get(_CASES, None) or Cases()
        function = getattr(item, "function", None)
        doc = ((function.__doc__ if function else None) or "").strip().split("\n\n")[0]
        _RECORDER.outcomes[item.nodeid] = _Outcome(
            *marker.args,
            function=getattr(item, "originalname", item.name),
            result=result,
            doc=" ".join(doc.split()),
            cases=counter.count or 1,
            labels=tuple(sorted(counter.labels.items())),
        )


def _expected_modules() -> set[str]:
    return {path.name for path in HERE.glob("test_*.py")}


def _key(number: str) -> tuple[int, str]:
    match = re.match(r"\d+", number)
    return (int(match.group()) if match else 0, number)


def _counted(counter: Counter[str]) -> str:
    return ", ".join(f"{n} {name}" for name, n in sorted(counter.items()))


def _render() -> str:
    by_scenario: dict[str, list[_Outcome]] = defaultdict(list)
    for _nodeid, outcome in sorted(_RECORDER.outcomes.items()):
        by_scenario[outcome.number].append(outcome)
    lines = [
        "# Reliability and security",
        "",
        "Written by `tests/reliability/conftest.py` from a run of all of `tests/reliability/`",
        "(do not edit by hand; run `make reliability-report`).",
        "Every test drives the real provider process (`python -m pulumi.dynamic` over gRPC, as the engine",
        "does) or the provider in-process against the FSx CopyBackup emulator; a *case* is one injected",
        "fault, one input bag, one create, as each test counts them.",
        "",
        "| # | Scenario | Tests | Cases | What was checked | Result |",
        "|---|----------|------:|------:|------------------|--------|",
    ]
    for number in sorted(by_scenario, key=_key):
        outcomes = by_scenario[number]
        first = outcomes[0]
        results = Counter(o.result for o in outcomes)
        cases = sum(o.cases for o in outcomes)
        lines.append(
            f"| {number} | {first.title} | {len(outcomes)} | {cases} | {first.checked} | {_counted(results)} |"
        )
    lines += ["", "## Tests", ""]
    for number in sorted(by_scenario, key=_key):
        outcomes = by_scenario[number]
        lines += [
            f"### {number}. {outcomes[0].title}",
            "",
            "| Test | Tests | Cases | Result | Outcomes | Checks |",
            "|---|---:|---:|---|---|---|",
        ]
        functions: dict[str, list[_Outcome]] = defaultdict(list)
        for outcome in outcomes:
            functions[outcome.function].append(outcome)
        for function in sorted(functions):
            group = functions[function]
            labels: Counter[str] = Counter()
            for outcome in group:
                labels.update(dict(outcome.labels))
            results = _counted(Counter(o.result for o in group))
            cases = sum(o.cases for o in group)
            doc = group[0].doc.replace("|", "\\|")
            outcomes_text = "<br>".join(f"{n} x {label}" for label, n in sorted(labels.items())).replace("|", "\\|")
            lines.append(f"| `{function}` | {len(group)} | {cases} | {results} | {outcomes_text or '-'} | {doc} |")
        lines.append("")
    return "\n".join(lines)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _RECORDER.deselected or not _RECORDER.outcomes:
        return
    if _RECORDER.modules != _expected_modules() or set(_RECORDER.outcomes) != _RECORDER.collected:
        return
    text = _render()
    if not REPORT.exists() or REPORT.read_text() != text:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(text)
