"""The command line end to end, as a subprocess: outputs, exit codes, and bad input handled cleanly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "acme"
WHEN = "2026-11-01T12:00:00Z"


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "assessor", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO, env=env, timeout=300, check=False)


def assess(out: Path, *extra: str | Path, snapshots: Path = EXAMPLE / "snapshots",
           answers: Path = EXAMPLE / "answers.yaml") -> subprocess.CompletedProcess[str]:
    return cli("assess", "--snapshots", snapshots, "--answers", answers, "--out", out,
               "--generated-at", WHEN, *extra)


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("example")
    return assess(out / "report", "--format", "html,json,csv"), out / "report"


def assert_clean_input_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# ---------------------------------------------------------------------- happy paths


def test_example_assessment_writes_every_output(example_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """assess on the example writes HTML, JSON, CSV and a manifest hashing inputs and outputs."""
    result, out = example_run
    assert result.returncode == 0, result.stderr
    assert "Readiness index" in result.stdout
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "assessment.json", "findings.csv", "manifest.json"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    manifest = json.loads((out / "manifest.json").read_text())
    text = json.dumps(manifest)
    assert "answers.yaml" in text and "report.html" in text
    import hashlib

    digest = hashlib.sha256((out / "report.html").read_bytes()).hexdigest()
    assert digest in text


def test_example_has_dark_spots_improvements_and_unknowns(
        example_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """The example shows the three things a reader looks for: losses, gains, blind spots with reasons."""
    _, out = example_run
    data = json.loads((out / "assessment.json").read_text())
    assert any(g["dark_spot"] for g in data["gaps"])
    assert any(g["improvement"] for g in data["gaps"])
    unknown = [f for c in data["controls"] for f in c["findings"] if f["status"] == "unknown"]
    assert unknown and all(f["reason"] for f in unknown)
    # Every control now has a check or an answer somewhere, so blind spots show inside controls
    # (unknown findings beside judged ones) rather than as a wholly unknown control.
    assert any(c["counts"].get("unknown") for c in data["controls"] if c["status"] != "unknown")
    statuses = {c["status"] for c in data["controls"]}
    assert {"pass", "fail", "manual", "accepted"} <= statuses
    assert data["readiness_index"] is not None and 0 < data["readiness_index"] < 100
    assert {s["provider"] for s in data["scopes"]} == {"aws", "azure", "gcp"}


def test_same_inputs_give_identical_html_and_json(tmp_path: Path,
                                                  example_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """With --generated-at fixed, a second run is byte-identical."""
    _, first = example_run
    result = assess(tmp_path / "again", "--format", "html,json")
    assert result.returncode == 0, result.stderr
    for name in ("report.html", "assessment.json"):
        assert (first / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


@pytest.mark.parametrize(("threshold", "code"), [("99.5", 3), ("1", 0)])
def test_fail_under_sets_exit_code(tmp_path: Path, threshold: str, code: int) -> None:
    """--fail-under N exits 3 when the index is below N and 0 otherwise."""
    result = assess(tmp_path / "o", "--format", "json", "--fail-under", threshold)
    assert result.returncode == code, result.stderr


def test_quiet_and_non_terminal_print_no_progress(tmp_path: Path) -> None:
    """Without a terminal there is no progress bar; --quiet prints nothing at all."""
    result = assess(tmp_path / "o", "--format", "json", "--quiet")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_questionnaire_init_then_validate(tmp_path: Path) -> None:
    """The template holds every question and is itself a valid answers file."""
    target = tmp_path / "answers.yaml"
    assert cli("questionnaire", "init", "--out", target).returncode == 0
    text = target.read_text()
    listed = json.loads(cli("controls", "list", "--json").stdout)
    questions = {q for row in listed for q in row["questions"]}
    assert questions and all(f"  {q}:" in text for q in questions)
    result = cli("questionnaire", "validate", target)
    assert result.returncode == 0, result.stderr
    again = cli("questionnaire", "init", "--out", target)
    assert_clean_input_error(again, "already exists")


def test_validate_example_answers() -> None:
    """The example answers file validates."""
    result = cli("questionnaire", "validate", EXAMPLE / "answers.yaml", "--today", "2026-11-01")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


@pytest.mark.parametrize("which", ["answers", "snapshot", "assessment"])
def test_schema_prints_json_schema(which: str) -> None:
    """Each schema is valid JSON with properties."""
    result = cli("schema", which)
    assert result.returncode == 0
    assert "properties" in json.loads(result.stdout)


def test_example_snapshots_and_assessment_match_their_schemas(
        example_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """The published JSON Schemas accept the example's snapshots, answers and the assessment it produces."""
    import jsonschema

    _, out = example_run
    schemas = {which: json.loads(cli("schema", which).stdout) for which in ("answers", "snapshot", "assessment")}
    jsonschema.validate(json.loads((out / "assessment.json").read_text()), schemas["assessment"])
    for path in sorted((EXAMPLE / "snapshots").glob("*.json")):
        jsonschema.validate(json.loads(path.read_text()), schemas["snapshot"])
    answers = json.loads(json.dumps(yaml.safe_load((EXAMPLE / "answers.yaml").read_text()), default=str))
    jsonschema.validate(answers, schemas["answers"])
    broken = dict(json.loads((out / "assessment.json").read_text()), readiness_index="high")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schemas["assessment"])


def test_checks_and_controls_list() -> None:
    """Listing shows checks per provider and every control with how it is verified."""
    checks = json.loads(cli("checks", "list", "--json").stdout)
    assert {c["provider"] for c in checks} == {"aws", "azure", "gcp"}
    controls = json.loads(cli("controls", "list", "--json").stdout)
    assert len(controls) >= 50
    assert all(row["checks"] or row["questions"] for row in controls if row["domain"] == "PP")


# ---------------------------------------------------------------------- bad input


def _answers_with(tmp_path: Path, mutate: object) -> Path:
    data = yaml.safe_load((EXAMPLE / "answers.yaml").read_text())
    mutate(data)  # type: ignore[operator]
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _set(data: dict, path: tuple, value: object) -> None:  # type: ignore[type-arg]
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.mark.parametrize(("mutation", "needles"), [
    (lambda d: _set(d, ("profile", "colour"), "blue"), ["profile.colour", "unknown key"]),
    (lambda d: _set(d, ("profile", "required_log_retention_days"), "a year"),
     ["profile.required_log_retention_days"]),
    (lambda d: _set(d, ("answers", "no.such.question"), {"value": True}), ["answers.no.such.question",
                                                                           "unknown question id"]),
    (lambda d: _set(d, ("profile", "onprem_capabilities"), ["teleportation"]), ["unknown capability"]),
    (lambda d: d["risk_acceptances"].append({"control": "ZZ-01", "reason": "r", "owner": "o",
                                             "expires": "2027-01-01"}), ["unknown control"]),
])
def test_bad_answers_are_reported_with_file_line_key(tmp_path: Path, mutation: object, needles: list[str]) -> None:
    """Unknown keys, wrong types and unknown ids: one line naming file:line and key, exit 2, nothing written."""
    answers = _answers_with(tmp_path, mutation)
    out = tmp_path / "out"
    result = assess(out, answers=answers)
    assert_clean_input_error(result, f"{answers}:", *needles)
    assert not out.exists()


def test_wrong_answer_type_for_question(tmp_path: Path) -> None:
    """A boolean question answered with text names the answer's key and line."""
    from assessor.catalogue import load_catalogue

    qid = next(q.id for q in load_catalogue().questions if q.kind == "boolean")
    answers = _answers_with(tmp_path, lambda d: _set(d, ("answers", qid), {"value": "maybe"}))
    result = cli("questionnaire", "validate", answers)
    assert_clean_input_error(result, f"answers.{qid}.value", "expected true or false")
    import re

    match = re.search(r"answers\.yaml:(\d+): ", result.stderr)
    assert match, result.stderr
    assert "value: maybe" in answers.read_text().splitlines()[int(match.group(1)) - 1]


def test_expired_acceptance_fails_validate_but_only_warns_in_assess(tmp_path: Path) -> None:
    """validate rejects an expired acceptance; assess warns, ignores it, and still writes the report."""
    answers = _answers_with(tmp_path, lambda d: d["risk_acceptances"].append(
        {"control": "LC-03", "reason": "r", "owner": "o", "expires": "2026-01-31"}))
    result = cli("questionnaire", "validate", answers, "--today", "2026-11-01")
    assert_clean_input_error(result, "expired on 2026-01-31", "expires")
    ran = assess(tmp_path / "o", "--format", "json", answers=answers)
    assert ran.returncode == 0
    assert "expired on 2026-01-31" in ran.stderr


@pytest.mark.parametrize(("content", "needles"), [
    ("profile: [unclosed\nx: 1\n", ["invalid YAML", "answers.yaml:"]),
    ("", ["file is empty"]),
    ("- a\n- b\n", ["expected a mapping"]),
    ("version: 1\nprofile: {}\nprofile: {}\n", ["duplicate key 'profile'", ":3"]),
])
def test_malformed_answers_files(tmp_path: Path, content: str, needles: list[str]) -> None:
    """Malformed YAML is one clean line with the position."""
    path = tmp_path / "answers.yaml"
    path.write_text(content)
    assert_clean_input_error(cli("questionnaire", "validate", path), *needles)


def _snapshot_copy(tmp_path: Path, edit: object) -> Path:
    source = sorted((EXAMPLE / "snapshots").glob("aws-*.json"))[0]
    data = json.loads(source.read_text())
    edit(data)  # type: ignore[operator]
    folder = tmp_path / "snaps"
    folder.mkdir()
    (folder / "bad.json").write_text(json.dumps(data, indent=2))
    return folder


@pytest.mark.parametrize(("edit", "needles"), [
    (lambda d: d.update(format_version=99), ["format version 99 is not supported", "format_version"]),
    (lambda d: d.update(provider="oracle"), ["provider"]),
    (lambda d: d.update(collected_at="yesterday"), ["collected_at"]),
    (lambda d: d.update(surprise=1), ["surprise", "unknown key"]),
    (lambda d: d["resources"].setdefault("aws.s3.bucket", []).append({"name": "no-id"}), ["id"]),
])
def test_bad_snapshots(tmp_path: Path, edit: object, needles: list[str]) -> None:
    """Unknown versions, wrong types and unknown keys in a snapshot: file, key, exit 2, no output."""
    folder = _snapshot_copy(tmp_path, edit)
    out = tmp_path / "out"
    result = assess(out, snapshots=folder)
    assert_clean_input_error(result, "bad.json", *needles)
    assert not out.exists()


@pytest.mark.parametrize(("content", "needle"), [
    (b"{not json", "invalid JSON"),
    (b"", "file is empty"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[" * 100000 + b"]" * 100000, "JSON"),
])
def test_unreadable_snapshot_files(tmp_path: Path, content: bytes, needle: str) -> None:
    """Broken, empty, binary and absurdly nested files are rejected in one line."""
    path = tmp_path / "snap.json"
    path.write_bytes(content)
    assert_clean_input_error(assess(tmp_path / "out", snapshots=path), "snap.json", needle)


def test_huge_snapshot_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A file over the size limit is refused without loading it into memory."""
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: no disk used
    assert_clean_input_error(assess(tmp_path / "out", snapshots=path), "huge.json", "over the")


def test_duplicate_account_snapshots(tmp_path: Path) -> None:
    """The same account given twice is an input error, not a double count."""
    source = sorted((EXAMPLE / "snapshots").glob("aws-*.json"))[0]
    shutil.copy(source, tmp_path / "a.json")
    shutil.copy(source, tmp_path / "b.json")
    assert_clean_input_error(assess(tmp_path / "out", snapshots=tmp_path), "also in")


@pytest.mark.parametrize("args", [
    ["assess", "--answers", "x.yaml", "--out", "o"],
    ["assess", "--snapshots", "s", "--answers", "a", "--out", "o", "--format", "docx"],
    ["assess", "--snapshots", "s", "--answers", "a", "--out", "o", "--generated-at", "tomorrow"],
    ["schema", "policy"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    """Bad arguments exit 2 without a traceback."""
    result = cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_file_names_it(tmp_path: Path) -> None:
    """A missing snapshot path is named."""
    assert_clean_input_error(assess(tmp_path / "o", snapshots=tmp_path / "nope.json"), "nope.json", "not found")


def test_no_temporary_files_remain_after_a_run(tmp_path: Path) -> None:
    """Outputs are written through temporary files and renamed; none remain after a run."""
    out = tmp_path / "o"
    assert assess(out, "--format", "html,json,csv").returncode == 0
    assert not [p for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_interrupt_leaves_no_half_written_report(tmp_path: Path) -> None:
    """SIGINT in the middle of a long run exits 130 and leaves no temporary or truncated output."""
    import importlib.util
    import signal
    import time

    spec = importlib.util.spec_from_file_location("assess_scale", REPO / "benchmarks" / "assess_scale.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    answers = bench.generate_estate(tmp_path / "estate", 60, 30_000)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assessor", "assess", "--snapshots", str(tmp_path / "estate" / "snapshots"),
         "--answers", str(answers), "--out", str(out), "--generated-at", WHEN, "--quiet"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    # Interrupt once the run is doing real work (CPU time, not wall time: a loaded machine can take seconds
    # just to start Python, and a SIGINT before main() is the interpreter's, not ours).
    deadline = time.monotonic() + 60
    while _cpu_seconds(proc.pid) < 1.0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted; make the estate larger"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    leftovers = [p.name for p in out.iterdir()] if out.exists() else []
    assert not [n for n in leftovers if n.startswith(".") or n.endswith(".tmp")]
    assert "manifest.json" not in leftovers  # the manifest is written last, so an interrupted run has none
    for name in leftovers:  # whatever was renamed into place is complete
        if name.endswith(".json"):
            json.loads((out / name).read_text())
