"""The bundled catalogue, its cross-reference validation, and the example answers file."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessor.catalogue import (
    FILES,
    capabilities_by_id,
    controls_by_id,
    load_catalogue,
    questions_by_id,
)
from assessor.errors import CatalogueError
from assessor.models import PROVIDERS, SERVICE_MODELS, Answers, Catalogue

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "assessor" / "catalogue"
EXAMPLE_ANSWERS = REPO / "examples" / "acme" / "answers.yaml"
ASSESSMENT_DATE = date(2026, 11, 1)  # the date the example is assessed on in tests and docs

# Control ids of the reference catalogue (reference §7): prefix -> highest number.
REFERENCE_IDS = {"LC": 9, "LI": 7, "DR": 6, "SR": 6, "EV": 7, "CT": 6, "EL": 5, "IN": 5, "DT": 6, "PP": 7}
BASELINE_CAPABILITIES = {
    "full_packet_capture", "netflow", "network_ids_ips", "perimeter_firewall_logs", "egress_filtering",
    "dns_logs", "siem", "central_log_management", "admin_audit_log", "directory_auth_logs", "edr",
    "disk_imaging", "memory_acquisition", "forensic_lab", "evidence_locker", "cmdb_change_history",
    "quarantine_vlan", "account_lockout", "vulnerability_scanning", "dlp", "file_integrity_monitoring",
    "immutable_backup", "time_source", "legal_hold", "threat_intel",
}
FRAMEWORK_VERSIONS = {
    "aws-waf": "2024-06-27", "csa-ccm": "4.0", "nist-csf": "2.0",
    "cis-aws": "7.0.0", "cis-azure": "6.0.0", "cis-gcp": "5.0.0",
}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


# --------------------------------------------------------------------------- the bundled catalogue


class TestBundledCatalogue:
    def test_has_exactly_the_reference_control_ids(self, cat: Catalogue) -> None:
        """The controls are the 64 of the reference catalogue, no more and no fewer."""
        expected = {f"{p}-{n:02d}" for p, top in REFERENCE_IDS.items() for n in range(1, top + 1)}
        assert {c.id for c in cat.controls} == expected
        assert len(cat.controls) >= 60

    def test_counts_meet_the_minimums(self, cat: Catalogue) -> None:
        """Ten domains, at least 24 capabilities, 10 IR activities and 35 questions."""
        assert sorted(d.id for d in cat.domains) == sorted(REFERENCE_IDS)
        assert len(cat.capabilities) >= 24
        assert len(cat.responsibilities) >= 10
        assert len(cat.questions) >= 35

    def test_baseline_capabilities_are_all_present(self, cat: Catalogue) -> None:
        """Every capability of the on-prem baseline (reference §8) has an entry."""
        assert set(capabilities_by_id(cat)) >= BASELINE_CAPABILITIES

    def test_every_capability_covers_all_providers_and_models(self, cat: Catalogue) -> None:
        """Each capability names a counterpart per provider and an owner per service model."""
        for capability in cat.capabilities:
            assert set(capability.counterparts) == set(PROVIDERS), capability.id
            assert set(capability.ownership) == set(SERVICE_MODELS), capability.id
            assert all(c.name.strip() for c in capability.counterparts.values()), capability.id

    def test_capabilities_point_at_the_controls_that_show_them(self, cat: Catalogue) -> None:
        """The gap analysis reads these links: netflow is shown by LC-03, packet capture by EV-04."""
        caps = capabilities_by_id(cat)
        assert "LC-03" in caps["netflow"].controls
        assert "EV-04" in caps["full_packet_capture"].controls
        assert "EV-03" in caps["memory_acquisition"].controls
        assert caps["memory_acquisition"].ownership["paas"] == "none"
        assert caps["memory_acquisition"].ownership["saas"] == "none"
        assert caps["full_packet_capture"].ownership["saas"] == "none"

    def test_some_capabilities_are_cloud_improvements(self, cat: Catalogue) -> None:
        """Snapshots, config history and immutable storage are marked as where the cloud is stronger."""
        caps = capabilities_by_id(cat)
        for cap_id in ("disk_imaging", "cmdb_change_history", "evidence_locker", "immutable_backup"):
            assert caps[cap_id].cloud_native_improvement, cap_id
        assert not caps["memory_acquisition"].cloud_native_improvement

    def test_every_question_is_used_and_every_reference_resolves(self, cat: Catalogue) -> None:
        """Controls name existing questions and capabilities; no question is orphaned."""
        questions = questions_by_id(cat)
        caps = capabilities_by_id(cat)
        used = {q for c in cat.controls for q in c.questions}
        assert used == set(questions)
        for control in cat.controls:
            assert control.capability is None or control.capability in caps, control.id

    def test_every_control_can_be_assessed(self, cat: Catalogue) -> None:
        """A control with no automated provider must have questions, or it could never be scored."""
        for control in cat.controls:
            assert control.automatable or control.questions, control.id

    def test_iaas_only_acquisition_controls(self, cat: Catalogue) -> None:
        """Disk, memory and packet acquisition apply to IaaS only; PaaS/SaaS rely on contracts."""
        controls = controls_by_id(cat)
        for control_id in ("EV-02", "EV-03", "EV-04"):
            assert controls[control_id].service_models == ["iaas"], control_id
        assert controls["LC-09"].service_models == ["saas"]

    def test_questionnaire_only_controls_are_not_automatable(self, cat: Catalogue) -> None:
        """Controls that no API can verify list no provider and at least one question."""
        controls = controls_by_id(cat)
        for control_id in ("PP-01", "PP-03", "PP-04", "PP-06", "PP-07", "SR-05", "DR-04", "LI-07", "LC-09"):
            assert controls[control_id].automatable == [], control_id
            assert controls[control_id].questions, control_id

    def test_references_use_known_frameworks_and_versions(self, cat: Catalogue) -> None:
        """Every reference is {framework, version, id} from the frameworks the report maps."""
        for control in cat.controls:
            assert control.references, control.id
            for ref in control.references:
                assert FRAMEWORK_VERSIONS.get(ref.framework) == ref.version, (control.id, ref)
                assert ref.id.strip(), control.id

    def test_texts_are_substantial(self, cat: Catalogue) -> None:
        """Rationales are a few sentences and remediations name a concrete action."""
        for control in cat.controls:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", control.rationale.strip()) if s]
            assert 2 <= len(sentences) <= 3, control.id
            assert len(control.remediation) > 80, control.id

    def test_assurance_questions_have_the_agreed_shape(self, cat: Catalogue) -> None:
        """SOC 2: obtained is boolean, period end goes stale after a year, only `none` exceptions pass."""
        questions = questions_by_id(cat)
        assert questions["assurance.soc2.obtained"].kind == "boolean"
        period_end = questions["assurance.soc2.period_end"]
        assert (period_end.kind, period_end.stale_after_days) == ("date", 365)
        exceptions = questions["assurance.soc2.exceptions"]
        assert exceptions.kind == "choice"
        assert exceptions.choices == ["none", "minor", "material"]
        assert exceptions.pass_values == ["none"]
        assert questions["plan.csp_escalation"].kind == "boolean"
        assert questions["exercise.csp_last_date"].stale_after_days == 365

    def test_scoring_rules(self, cat: Catalogue) -> None:
        """Maturity starts at 0 and ascends; severity weights rank critical above low."""
        assert cat.scoring.maturity == [
            (0, "Initial"), (20, "Developing"), (40, "Defined"), (60, "Managed"), (80, "Optimised")
        ]
        weights = cat.scoring.severity_weights
        assert weights["critical"] > weights["high"] > weights["medium"] > weights["low"] > 0
        assert set(cat.scoring.effort_factors) == {"low", "medium", "high"}

    @pytest.mark.parametrize(("provider", "region", "code"), [
        ("aws", "eu-west-1", "EU"), ("aws", "eu-west-2", "UK"), ("aws", "eu-central-2", "CH"),
        ("aws", "us-east-1", "US"), ("azure", "westeurope", "EU"), ("azure", "uksouth", "UK"),
        ("gcp", "europe-west1", "EU"), ("gcp", "europe-west2", "UK"), ("gcp", "us-central1", "US"),
        ("gcp", "eu", "EU"), ("gcp", "us", "US"),
    ])
    def test_jurisdictions(self, cat: Catalogue, provider: str, region: str, code: str) -> None:
        """Known regions map to their jurisdiction code."""
        table = {k.lower(): v for k, v in cat.jurisdictions[provider].items()}  # type: ignore[index]
        assert table[region.lower()] == code

    def test_multi_country_locations_have_no_jurisdiction(self, cat: Catalogue) -> None:
        """`global` and `asia` span countries, so they are left out rather than guessed."""
        for provider in PROVIDERS:
            keys = {k.lower() for k in cat.jurisdictions[provider]}
            assert "global" not in keys and "asia" not in keys

    def test_bundled_load_is_cached(self) -> None:
        """The default catalogue is read once and shared."""
        assert load_catalogue() is load_catalogue()

    def test_files_ship_as_package_data(self) -> None:
        """Every catalogue file is reachable through importlib.resources (as from a wheel)."""
        root = resources.files("assessor.catalogue")
        for name in FILES:
            assert root.joinpath(name).is_file(), name

    def test_directory_override_loads_the_same_data(self, tmp_path: Path, cat: Catalogue) -> None:
        """A copied directory loads to an equal catalogue (and is not the cached object)."""
        for name in FILES:
            shutil.copy(BUNDLED / name, tmp_path / name)
        copy = load_catalogue(tmp_path)
        assert copy == cat
        assert copy is not cat


# --------------------------------------------------------------------------- validation errors

Mutation = Callable[[Any], None]


def _broken(tmp_path: Path, file: str, mutate: Mutation) -> str:
    """Copy the catalogue, apply one mutation to one file, and return the loader's error message."""
    for name in FILES:
        shutil.copy(BUNDLED / name, tmp_path / name)
    data = yaml.safe_load((tmp_path / file).read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / file).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    return str(caught.value)


def _control(data: Any, control_id: str) -> dict[str, Any]:
    return next(c for c in data["controls"] if c["id"] == control_id)


def _capability(data: Any, cap_id: str) -> dict[str, Any]:
    return next(c for c in data["capabilities"] if c["id"] == cap_id)


def _question(data: Any, question_id: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == question_id)


def _set(target: Callable[[Any], dict[str, Any]], key: str, value: Any) -> Mutation:
    def mutate(data: Any) -> None:
        target(data)[key] = value
    return mutate


def _delete(target: Callable[[Any], dict[str, Any]], key: str) -> Mutation:
    def mutate(data: Any) -> None:
        del target(data)[key]
    return mutate


def _unused_question(data: Any) -> None:
    data["questions"].append({"id": "orphan.question", "text": "Unused?", "kind": "boolean"})


def _extra_domain(data: Any) -> None:
    data["domains"].append({"id": "ZZ", "name": "Empty", "description": "No controls.", "weight": 1})


def _duplicate_first(key: str) -> Mutation:
    def mutate(data: Any) -> None:
        data[key][1]["id"] = data[key][0]["id"]
    return mutate


BREAKAGES = [
    # (case, file, mutation, id the message must name, words the message must contain)
    ("duplicate control id", "controls.yaml", _duplicate_first("controls"), "LC-01", "duplicate id"),
    ("duplicate capability id", "capabilities.yaml", _duplicate_first("capabilities"),
     "full_packet_capture", "duplicate id"),
    ("duplicate question id", "questions.yaml", _duplicate_first("questions"),
     "logging.regulated_data_stores_identified", "duplicate id"),
    ("duplicate domain id", "domains.yaml", _duplicate_first("domains"), "LC", "duplicate id"),
    ("duplicate activity id", "responsibilities.yaml", _duplicate_first("responsibilities"), "detect",
     "duplicate id"),
    ("unknown domain", "controls.yaml", _set(lambda d: _control(d, "LC-03"), "domain", "ZZ"), "LC-03",
     "domain 'ZZ' is not defined"),
    ("control in the wrong domain", "controls.yaml", _set(lambda d: _control(d, "LC-03"), "domain", "LI"),
     "LC-03", "must start with its domain"),
    ("unknown capability", "controls.yaml",
     _set(lambda d: _control(d, "LC-03"), "capability", "netflw"), "LC-03", "capability 'netflw'"),
    ("capability that does not list the control", "controls.yaml",
     _set(lambda d: _control(d, "LC-03"), "capability", "dns_logs"), "LC-03", "does not list it"),
    ("unknown question", "controls.yaml",
     _set(lambda d: _control(d, "PP-01"), "questions", ["plan.nope"]), "PP-01", "question 'plan.nope'"),
    ("unassessable control", "controls.yaml",
     _set(lambda d: _control(d, "LC-05"), "automatable", []), "LC-05", "could never be assessed"),
    ("unknown control in capability", "capabilities.yaml",
     _set(lambda d: _capability(d, "netflow"), "controls", ["LC-03", "XX-99"]), "netflow",
     "control 'XX-99'"),
    ("missing counterpart", "capabilities.yaml",
     lambda d: _capability(d, "dns_logs")["counterparts"].pop("gcp"), "dns_logs", "no counterpart for gcp"),
    ("missing ownership", "capabilities.yaml",
     lambda d: _capability(d, "siem")["ownership"].pop("saas"), "siem", "no ownership for saas"),
    ("unused question", "questions.yaml", _unused_question, "orphan.question", "no control"),
    ("pass value outside the choices", "questions.yaml",
     _set(lambda d: _question(d, "assurance.soc2.exceptions"), "pass_values", ["nil"]),
     "assurance.soc2.exceptions", "not among the choices"),
    ("choice question without choices", "questions.yaml",
     _delete(lambda d: _question(d, "assurance.csa_star"), "choices"), "assurance.csa_star", "no choices"),
    ("date question without staleness", "questions.yaml",
     _delete(lambda d: _question(d, "plan.last_review"), "stale_after_days"), "plan.last_review",
     "stale_after_days"),
    ("integer question without minimum", "questions.yaml",
     _delete(lambda d: _question(d, "training.cloud_responders_percent"), "min_value"),
     "training.cloud_responders_percent", "min_value"),
    ("question outside its controls' models", "questions.yaml",
     _set(lambda d: _question(d, "saas.audit_logs_enabled"), "service_models", ["iaas"]),
     "saas.audit_logs_enabled", "only apply to ['saas']"),
    ("domain without controls", "domains.yaml", _extra_domain, "ZZ", "no control belongs"),
    ("too few controls", "controls.yaml", lambda d: d.update(controls=d["controls"][:49]), "controls",
     "at least 50"),
    ("too few capabilities", "capabilities.yaml",
     lambda d: d.update(capabilities=d["capabilities"][:19]), "capabilities", "at least 20"),
    ("activity missing a model", "responsibilities.yaml",
     lambda d: d["responsibilities"][0]["split"].pop("paas"), "detect", "no owner for paas"),
    ("maturity not starting at 0", "scoring.yaml", lambda d: d["maturity"][0].__setitem__(0, 5),
     "maturity", "must start at 0"),
    ("maturity not ascending", "scoring.yaml", lambda d: d["maturity"][2].__setitem__(0, 10),
     "maturity", "must ascend"),
    ("severity without weight", "scoring.yaml", lambda d: d["severity_weights"].pop("low"),
     "severity_weights", "'low'"),
    ("bad jurisdiction code", "jurisdictions.yaml",
     lambda d: d["jurisdictions"]["aws"].__setitem__("eu-west-1", "Europe"), "aws eu-west-1",
     "two-letter"),
    ("region listed twice in different case", "jurisdictions.yaml",
     lambda d: d["jurisdictions"]["gcp"].__setitem__("EUROPE-WEST1", "EU"), "gcp EUROPE-WEST1",
     "case-insensitive"),
]


class TestValidationErrors:
    @pytest.mark.parametrize(("file", "mutate", "ident", "words"),
                             [b[1:] for b in BREAKAGES], ids=[b[0] for b in BREAKAGES])
    def test_each_broken_reference_is_reported(self, tmp_path: Path, file: str, mutate: Mutation,
                                               ident: str, words: str) -> None:
        """The error names the file, a line, the offending id and what is wrong."""
        message = _broken(tmp_path, file, mutate)
        assert re.search(rf"{re.escape(file)}:\d+: {re.escape(ident)}: [^\n]*{re.escape(words)}", message), message

    def test_all_problems_are_reported_together(self, tmp_path: Path) -> None:
        """Two independent breakages give one error listing both."""
        def mutate(data: Any) -> None:
            _control(data, "LC-03")["capability"] = "netflw"
            _control(data, "LC-04")["domain"] = "ZZ"
        message = _broken(tmp_path, "controls.yaml", mutate)
        assert "(2 problems)" in message
        assert "LC-03" in message and "LC-04" in message

    def test_schema_error_names_file_line_and_key(self, tmp_path: Path) -> None:
        """A misspelt key is a catalogue error pointing at the line that holds it."""
        message = _broken(tmp_path, "controls.yaml", _set(lambda d: _control(d, "LC-02"), "severty", "high"))
        assert re.search(r"controls\.yaml:\d+: controls\[1\]\.severty: unknown key", message), message

    def test_yaml_syntax_error_names_file_and_line(self, tmp_path: Path) -> None:
        """Broken YAML is reported with its file and line, never as a traceback from PyYAML."""
        for name in FILES:
            shutil.copy(BUNDLED / name, tmp_path / name)
        (tmp_path / "scoring.yaml").write_text("severity_weights:\n  critical: [10\n", encoding="utf-8")
        with pytest.raises(CatalogueError, match=r"scoring\.yaml:\d+: invalid YAML"):
            load_catalogue(tmp_path)

    def test_missing_file_is_reported(self, tmp_path: Path) -> None:
        """An override directory without one of the files names the missing file."""
        for name in FILES:
            if name != "questions.yaml":
                shutil.copy(BUNDLED / name, tmp_path / name)
        with pytest.raises(CatalogueError, match=r"questions\.yaml: file not found"):
            load_catalogue(tmp_path)


# --------------------------------------------------------------------------- the example answers file


@pytest.fixture(scope="module")
def example() -> Answers:
    return Answers.model_validate(yaml.safe_load(EXAMPLE_ANSWERS.read_text(encoding="utf-8")))


class TestExampleAnswers:
    def test_answer_keys_are_question_ids(self, example: Answers, cat: Catalogue) -> None:
        """Every answer answers a question of the bank."""
        assert set(example.answers) <= set(questions_by_id(cat))

    def test_values_fit_their_question_kind(self, example: Answers, cat: Catalogue) -> None:
        """Booleans, dates, integers, known choices and non-empty text, as each question expects."""
        questions = questions_by_id(cat)
        for qid, answer in example.answers.items():
            question, value = questions[qid], answer.value
            if question.kind == "boolean":
                assert isinstance(value, bool), qid
            elif question.kind == "date":
                assert isinstance(value, date), qid
            elif question.kind == "integer":
                assert isinstance(value, int) and not isinstance(value, bool), qid
            elif question.kind == "choice":
                assert value in question.choices, qid
            else:
                assert isinstance(value, str) and value.strip(), qid

    def test_profile_refers_to_known_capabilities(self, example: Answers, cat: Catalogue) -> None:
        """On-prem capabilities exist, and a few are deliberately absent so improvements show."""
        have = set(example.profile.onprem_capabilities)
        assert have <= set(capabilities_by_id(cat))
        assert {"dlp", "threat_intel"}.isdisjoint(have)
        assert len(have) >= 20

    def test_workloads_cover_three_clouds_and_models(self, example: Answers) -> None:
        """The example spans AWS IaaS, Azure PaaS and SaaS, and GCP PaaS."""
        pairs = {(w.provider, w.service_model) for w in example.profile.workloads}
        assert pairs == {("aws", "iaas"), ("azure", "paas"), ("azure", "saas"), ("gcp", "paas")}
        assert example.profile.allowed_jurisdictions == ["EU", "UK"]

    def test_mix_of_answered_and_missing(self, example: Answers, cat: Catalogue) -> None:
        """Several questions are left out so the report shows `manual` controls."""
        missing = set(questions_by_id(cat)) - set(example.answers)
        assert len(missing) >= 5
        assert example.answers["assurance.soc2.exceptions"].value == "minor"
        assert example.answers["contract.forensic_cooperation"].value is False
        period_end = example.answers["assurance.soc2.period_end"].value
        assert isinstance(period_end, date) and (ASSESSMENT_DATE - period_end).days > 365

    def test_risk_acceptances_are_valid_on_the_assessment_date(self, example: Answers, cat: Catalogue) -> None:
        """Acceptances name real controls and have not expired, so validation passes."""
        controls = controls_by_id(cat)
        assert len(example.risk_acceptances) == 2
        for acceptance in example.risk_acceptances:
            assert acceptance.control in controls
            assert acceptance.expires > ASSESSMENT_DATE
