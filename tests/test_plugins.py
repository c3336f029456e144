"""Plugin discovery and load-time validation, plus a contract test over every registered check."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from assessor.catalogue import load_catalogue
from assessor.checks_api import CheckContext
from assessor.errors import PluginError
from assessor.evaluate import run_check_function
from assessor.models import Status
from assessor.plugins import ENTRY_POINT_GROUP, RegisteredCheck, discover_entry_points, load_checks
from assessor.resource_types import RESOURCE_TYPES
from tests.factories import profile, snapshot

ALL_CHECKS = load_checks(load_catalogue())

GOOD_PLUGIN = '''
from assessor.checks_api import CheckResult, check

@check(id="aws.demo.thing", title="Demo", control="LC-01", severity="low", provider="aws",
       needs=("aws.cloudtrail.trail",), remediation="Do it.")
def demo(ctx):
    """Demo rationale."""
    for trail in ctx.resources("aws.cloudtrail.trail"):
        yield CheckResult.passed("ok", resource=trail["id"])
'''


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("fakeplugin_")]:
        del sys.modules[name]


def _plugin(plugin_dir: Path, name: str, source: str) -> EntryPoint:
    (plugin_dir / f"{name}.py").write_text(textwrap.dedent(source))
    return EntryPoint(name=name, value=name, group=ENTRY_POINT_GROUP)


def test_builtin_checks_come_through_the_entry_point_group() -> None:
    """The built-ins are registered via the same group third-party plugins use."""
    names = {ep.name for ep in discover_entry_points()}
    assert {"builtin-aws", "builtin-gcp", "builtin-azure"} <= names
    assert {c.distribution for c in ALL_CHECKS} == {"ir-assessor"}


def test_autoload_switch_keeps_only_own_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    """IR_ASSESSOR_DISABLE_PLUGIN_AUTOLOAD leaves only this distribution's entry points."""
    monkeypatch.setenv("IR_ASSESSOR_DISABLE_PLUGIN_AUTOLOAD", "1")
    eps = discover_entry_points()
    assert eps and all(ep.dist is not None and ep.dist.name == "ir-assessor" for ep in eps)


def test_fake_entry_point_loads(plugin_dir: Path) -> None:
    """A third-party module of @check functions loads and validates."""
    loaded = load_checks(load_catalogue(), [_plugin(plugin_dir, "fakeplugin_good", GOOD_PLUGIN)])
    assert [c.spec.id for c in loaded] == ["aws.demo.thing"]
    assert loaded[0].spec.rationale == "Demo rationale."


@pytest.mark.parametrize(("change", "message"), [
    (('id="aws.demo.thing"', 'id="Bad Id"'), "id must look like"),
    (('control="LC-01"', 'control="ZZ-99"'), "unknown control 'ZZ-99'"),
    (('needs=("aws.cloudtrail.trail",)', 'needs=("aws.nope.thing",)'), "unknown resource type 'aws.nope.thing'"),
    (('"""Demo rationale."""', "pass"), "has no docstring"),
    (('id="aws.demo.thing"', 'id="gcp.demo.thing"'), "must start with its provider"),
    (("from assessor", "import does_not_exist_xyz\nfrom assessor"), "failed to import"),
])
def test_bad_plugin_is_named(plugin_dir: Path, change: tuple[str, str], message: str) -> None:
    """Invalid metadata fails at load with the plugin's name and the problem."""
    ep = _plugin(plugin_dir, "fakeplugin_bad", GOOD_PLUGIN.replace(*change))
    with pytest.raises(PluginError) as info:
        load_checks(load_catalogue(), [ep])
    assert "fakeplugin_bad" in str(info.value)
    assert message in str(info.value)


def test_duplicate_check_id_names_both_plugins(plugin_dir: Path) -> None:
    """Two plugins claiming one id is an error naming the first owner."""
    first = _plugin(plugin_dir, "fakeplugin_one", GOOD_PLUGIN)
    second = _plugin(plugin_dir, "fakeplugin_two", GOOD_PLUGIN)
    with pytest.raises(PluginError, match="already registered by plugin 'fakeplugin_one'"):
        load_checks(load_catalogue(), [first, second])


def test_every_provider_has_checks_in_each_automatable_domain() -> None:
    """AWS, GCP and Azure each ship at least one check in LC, LI, DR, EL, DT, CT, SR and IN."""
    controls = {c.id: c for c in load_catalogue().controls}
    for provider in ("aws", "gcp", "azure"):
        domains = {controls[c.spec.control].domain for c in ALL_CHECKS if c.spec.provider == provider}
        assert {"LC", "LI", "DR", "EL", "DT", "CT", "SR", "IN"} <= domains, provider


# ---------------------------------------------------------------------- contract over every check


@pytest.mark.parametrize("registered", ALL_CHECKS, ids=lambda c: c.spec.id)
def test_contract_metadata(registered: RegisteredCheck) -> None:
    """Unique, well-formed, documented, with declared inputs that exist and a real control."""
    spec = registered.spec
    assert spec.rationale and spec.title and spec.remediation
    assert all(t in RESOURCE_TYPES and t.startswith(spec.provider + ".") for t in spec.needs)


@pytest.mark.parametrize("registered", ALL_CHECKS, ids=lambda c: c.spec.id)
def test_contract_empty_snapshot_is_unknown_not_pass(registered: RegisteredCheck) -> None:
    """With nothing collected a check reports unknown (never pass) and does not crash."""
    snap = snapshot(registered.spec.provider, resources={})
    found = run_check_function(registered.function, CheckContext(snap, profile(), {}))
    assert all(f.status != Status.ERROR for f in found), [f.reason for f in found]
    assert all(f.status != Status.PASS for f in found)
    assert any(f.status == Status.UNKNOWN for f in found)


@pytest.mark.parametrize("registered", ALL_CHECKS, ids=lambda c: c.spec.id)
def test_contract_collected_but_empty_does_not_crash(registered: RegisteredCheck) -> None:
    """With every needed type collected and empty, a check runs without raising."""
    snap = snapshot(registered.spec.provider, resources={t: [] for t in registered.spec.needs})
    found = run_check_function(registered.function, CheckContext(snap, profile(), {}))
    assert all(f.status != Status.ERROR for f in found), [f.reason for f in found]


@pytest.mark.parametrize("registered", ALL_CHECKS, ids=lambda c: c.spec.id)
def test_contract_denied_read_is_unknown_with_reason(registered: RegisteredCheck) -> None:
    """An AccessDenied on a needed type makes the check unknown, naming the operation."""
    needed = registered.spec.needs[0]
    snap = snapshot(registered.spec.provider, resources={t: [] for t in registered.spec.needs},
                    errors=[{"service": "svc", "operation": "ReadThing", "code": "AccessDenied",
                             "resource_types": [needed]}])
    found = run_check_function(registered.function, CheckContext(snap, profile(), {}))
    assert all(f.status != Status.PASS for f in found)
    unknown = [f for f in found if f.status == Status.UNKNOWN]
    assert unknown and all("ReadThing" in (f.reason or "") for f in unknown)


def test_example_plugin_package_loads_and_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's plugin example (examples/plugin-example) registers and judges a snapshot."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "examples" / "plugin-example"))
    ep = EntryPoint(name="acme", value="acme_ir_checks.tagging", group=ENTRY_POINT_GROUP)
    (registered,) = load_checks(load_catalogue(), [ep])
    snap = snapshot("aws", resources={"aws.cloudtrail.trail": [
        {"id": "arn:aws:cloudtrail:eu-west-1:1:trail/a", "tags": {"owner": "soc"}},
        {"id": "arn:aws:cloudtrail:eu-west-1:1:trail/b"}]})
    found = run_check_function(registered.function, CheckContext(snap, profile(), {}))
    assert sorted(f.status.value for f in found) == ["fail", "pass"]
