"""examples/scheduling: every file parses, and every ir-assessor command in it uses options the CLI really has."""

from __future__ import annotations

import argparse
import configparser
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessor import cli
from assessor.shard import parse_shard

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "scheduling"
YAML_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".yml", ".yaml"))
COMMAND_FILES = [*YAML_FILES, EXAMPLES / "cron.txt", EXAMPLES / "ir-assessor-scan.service"]

# Options (and formats) the lead is adding in this issue. While any is missing the command test is an expected
# failure that names them; once all exist it is an ordinary test, and anything else missing fails outright.
PENDING = {"--shard", "--history", "--fail-on-regression", "--summary-json", "format junit", "format ocsf"}

# Shell, GitHub and Kubernetes expansions, replaced by a sample value before the command is parsed.
_EXPANSIONS = re.compile(r"\$\{\{.*?\}\}|\$\(\(.*?\)\)|\$\([^)]*\)|\$\{\w+\}|\$\w+")
_OPERATORS = set(";&|<>()")
_PREFIXES = {"exec", "then", "do", "time", "nohup"}  # words after which a command name comes (`pip install X` is not)


def load_yaml(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def command_lines(path: Path) -> Iterator[str | list[str]]:
    """Shell text that may run ir-assessor, or a ready argv (a Kubernetes container without a shell)."""
    text = path.read_text(encoding="utf-8")
    if path.name == "cron.txt":
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                yield line.split(None, 5)[5].replace("\\%", "%")
    elif path.suffix == ".service":
        unit = configparser.ConfigParser(interpolation=None)
        unit.read_string(text)
        yield unit["Service"]["ExecStart"]
    else:
        for doc in load_yaml(path):
            yield from _yaml_commands(doc)


def _yaml_commands(node: Any) -> Iterator[str | list[str]]:
    if isinstance(node, dict):
        if "image" in node and ("command" in node or "args" in node):  # a Kubernetes container
            argv = [str(a) for a in [*node.get("command", []), *node.get("args", [])]]
            if argv[:2] == ["/bin/sh", "-c"]:
                yield " ".join(argv[2:])
            else:
                yield argv
        elif isinstance(node.get("run"), str):  # a GitHub Actions step
            yield node["run"]
        for value in node.values():
            yield from _yaml_commands(value)
    elif isinstance(node, list):
        for item in node:
            yield from _yaml_commands(item)


def invocations(path: Path) -> list[list[str]]:
    """The argv (after `ir-assessor`) of every ir-assessor command in the file, expansions replaced by `1`."""
    found: list[list[str]] = []
    for entry in command_lines(path):
        if isinstance(entry, list):
            tokens = [_EXPANSIONS.sub("1", t) for t in entry]
        else:
            script = _EXPANSIONS.sub("1", entry.replace("\\\n", " "))
            lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
        for start, token in enumerate(tokens):
            at_command = start == 0 or set(tokens[start - 1]) <= _OPERATORS or tokens[start - 1] in _PREFIXES
            if at_command and (token == "ir-assessor" or token.endswith("/bin/ir-assessor")):
                argv: list[str] = []
                for arg in tokens[start + 1:]:
                    if arg and set(arg) <= _OPERATORS:
                        break
                    argv.append(arg)
                found.append(argv)
    return found


def subcommand(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The parser of the sub-command argv names (e.g. `collect aws`), and that path."""
    path: list[str] = []
    rest = list(argv)
    while rest:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            break
        choices: dict[str, argparse.ArgumentParser] = subs[0].choices
        assert rest[0] in choices, f"unknown command {' '.join([*path, rest[0]])!r}"
        parser = choices[rest[0]]
        path.append(rest.pop(0))
    return parser, path


def missing_options(argv: list[str]) -> set[str]:
    """Options (and --format values) in argv that the CLI does not have."""
    parser, _ = subcommand(cli.build_parser(), argv)
    known = {opt for action in parser._actions for opt in action.option_strings}
    missing = {a.split("=", 1)[0] for a in argv if a.startswith("--") and a.split("=", 1)[0] not in known}
    for n, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--format=") else (
            argv[n + 1] if arg == "--format" and n + 1 < len(argv) else None)
        if value is not None:
            missing |= {f"format {f}" for f in value.split(",") if f not in cli.FORMATS}
    return missing


# --------------------------------------------------------------------------- files parse


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_yaml_files_parse(path: Path) -> None:
    """Every YAML example loads with yaml.safe_load_all into at least one mapping."""
    docs = load_yaml(path)
    assert docs
    assert all(isinstance(doc, dict) for doc in docs)


def test_every_file_runs_ir_assessor() -> None:
    """Each command-bearing example runs ir-assessor at least once (the extractor found the commands)."""
    for path in COMMAND_FILES:
        assert invocations(path), path.name


def test_systemd_units_are_consistent() -> None:
    """The service is a oneshot with an absolute ExecStart, and the timer starts that service."""
    service = configparser.ConfigParser(interpolation=None)
    service.read_string((EXAMPLES / "ir-assessor-scan.service").read_text(encoding="utf-8"))
    timer = configparser.ConfigParser(interpolation=None)
    timer.read_string((EXAMPLES / "ir-assessor-scan.timer").read_text(encoding="utf-8"))
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].startswith("/")
    assert timer["Timer"]["Unit"] == "ir-assessor-scan.service"
    assert timer["Timer"]["OnCalendar"]
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_cron_line_has_five_time_fields_and_escaped_percent() -> None:
    """The crontab line has a valid-looking schedule, and every `%` is escaped (cron turns `%` into newlines)."""
    lines = [ln for ln in (EXAMPLES / "cron.txt").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert all(re.fullmatch(r"[0-9*/,-]+", f) for f in fields[:5])
    assert re.search(r"(?<!\\)%", fields[5]) is None


def test_github_workflow_shards_then_assesses() -> None:
    """The matrix covers shards 1..N of the N the collect command uses; assess needs collect and publishes JUnit."""
    workflow = load_yaml(EXAMPLES / "github-actions.yml")[0]
    collect, assess = workflow["jobs"]["collect"], workflow["jobs"]["assess"]
    shards = collect["strategy"]["matrix"]["shard"]
    run = next(s["run"] for s in collect["steps"] if "ir-assessor collect" in s.get("run", ""))
    total = int(re.search(r"--shard \$\{\{ matrix\.shard \}\}/([0-9]+)", run).group(1))  # type: ignore[union-attr]
    assert shards == list(range(1, total + 1))
    assert "--out snapshots/shard-${{ matrix.shard }}" in run
    assert any("upload-artifact" in s.get("uses", "") for s in collect["steps"])
    assert assess["needs"] == "collect"
    assert any("download-artifact" in s.get("uses", "") for s in assess["steps"])
    assert any(s.get("with", {}).get("report_paths") == "report/junit.xml" for s in assess["steps"])


def test_indexed_job_shards_match_completions() -> None:
    """completions equals the N of --shard, and pod k (0-based index) takes shard k+1."""
    job = load_yaml(EXAMPLES / "kubernetes-indexed-job.yaml")[0]
    assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
    script = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    match = re.search(r'--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/([0-9]+)"', script)
    assert match is not None
    assert int(match.group(1)) == job["spec"]["completions"]
    for k in range(job["spec"]["completions"]):
        assert parse_shard(f"{k + 1}/{match.group(1)}") == (k + 1, job["spec"]["completions"])


def test_cronjob_is_a_batch_v1_cronjob() -> None:
    """The CronJob manifest has the fields Kubernetes requires and never runs two scans at once."""
    cron = load_yaml(EXAMPLES / "kubernetes-cronjob.yaml")[0]
    assert (cron["apiVersion"], cron["kind"]) == ("batch/v1", "CronJob")
    assert len(cron["spec"]["schedule"].split()) == 5
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "Never"


# --------------------------------------------------------------------------- commands match the CLI


@pytest.mark.parametrize("path", COMMAND_FILES, ids=lambda p: p.name)
def test_commands_use_only_options_the_cli_has(path: Path) -> None:
    """Every option and --format value in the example's commands exists, and the whole command parses."""
    for argv in invocations(path):
        missing = missing_options(argv)
        unexpected = missing - PENDING
        assert not unexpected, f"{path.name}: `ir-assessor {' '.join(argv[:2])}` has no {sorted(unexpected)}"
        if missing:
            pytest.xfail(f"{path.name}: not in the CLI yet: {', '.join(sorted(missing))}")
        try:
            cli.build_parser().parse_args(argv)
        except SystemExit as exc:  # argparse reports the reason on stderr
            pytest.fail(f"{path.name}: `ir-assessor {' '.join(argv)}` does not parse (exit {exc.code})")


def test_the_option_check_catches_what_does_not_exist() -> None:
    """A misspelt option and an unknown format are reported, so the test above can fail."""
    argv = ["assess", "--snapshots", "s", "--answers", "a.yaml", "--out", "o", "--histroy", "u", "--format=html,docx"]
    assert missing_options(argv) == {"--histroy", "format docx"}
    with pytest.raises(AssertionError, match="unknown command"):
        missing_options(["colect", "aws"])
