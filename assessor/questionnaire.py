"""The answers file: load and validate it against the question bank, judge answers, write a template."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from assessor.errors import InputError
from assessor.inputs import LineMap, load_yaml, parse_model, validation_error
from assessor.models import Answer, Answers, Catalogue, Question, Status


@dataclass(frozen=True)
class AnswersFile:
    answers: Answers
    lines: LineMap
    path: Path
    warnings: tuple[str, ...]


def load_answers(path: Path, catalogue: Catalogue, today: date, *, strict_expiry: bool) -> AnswersFile:
    """Parse and cross-check an answers file; every problem names file, line and key.

    With `strict_expiry` an expired risk acceptance is an error (questionnaire validate); otherwise it is a
    warning and the acceptance is ignored, so a nightly scan reports the control instead of stopping.
    """
    data, lines = load_yaml(path)
    if data is None:
        raise InputError("file holds no YAML document", path=str(path), line=1)
    answers = parse_model(Answers, data, path, lines)
    where = str(path)

    def fail(message: str, key: tuple[str | int, ...]) -> InputError:
        line = lines.get(key)
        return InputError(message, path=where, line=line, key=".".join(str(k) for k in key))

    capabilities = {c.id for c in catalogue.capabilities}
    for index, cap in enumerate(answers.profile.onprem_capabilities):
        if cap not in capabilities:
            raise fail(f"unknown capability {cap!r}; see `ir-assessor controls list` or the answers template",
                       ("profile", "onprem_capabilities", index))
    questions = {q.id: q for q in catalogue.questions}
    for qid, answer in answers.answers.items():
        question = questions.get(qid)
        if question is None:
            raise fail(f"unknown question id {qid!r}; `ir-assessor questionnaire init` lists every question",
                       ("answers", qid))
        problem = answer_type_problem(question, answer)
        if problem:
            raise fail(problem, ("answers", qid, "value"))
    controls = {c.id for c in catalogue.controls}
    warnings: list[str] = []
    for index, acceptance in enumerate(answers.risk_acceptances):
        if acceptance.control not in controls:
            raise fail(f"unknown control {acceptance.control!r}", ("risk_acceptances", index, "control"))
        if acceptance.expires < today:
            message = (f"risk acceptance for {acceptance.control} expired on {acceptance.expires.isoformat()}; "
                       "renew it with a new expiry date or remove it")
            if strict_expiry:
                raise fail(message, ("risk_acceptances", index, "expires"))
            line = lines.get(("risk_acceptances", index, "expires"))
            warnings.append(f"{where}:{line}: risk_acceptances[{index}].expires: {message}; it is ignored")
    return AnswersFile(answers, lines, path, tuple(warnings))


def answer_type_problem(question: Question, answer: Answer) -> str | None:
    value = answer.value
    if value is None:
        return None
    kind = question.kind
    if kind == "boolean" and not isinstance(value, bool):
        return f"expected true or false, found {value!r}"
    if kind == "date" and not isinstance(value, date):
        return f"expected a date as YYYY-MM-DD, found {value!r}"
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return f"expected a whole number, found {value!r}"
    if kind == "choice" and (not isinstance(value, str) or value not in question.choices):
        return f"expected one of {', '.join(question.choices)}, found {value!r}"
    if kind == "text" and not isinstance(value, str):
        return f"expected text, found {value!r}"
    return None


def judge(question: Question, answer: Answer | None, today: date) -> tuple[Status, str]:
    """Status an answer gives its controls, and why. Unanswered is `manual`, never a pass."""
    if answer is None or answer.value is None or answer.value == "":
        return Status.MANUAL, "Not answered yet"
    value = answer.value
    if question.kind == "boolean":
        return (Status.PASS, "Confirmed") if value is True else (Status.FAIL, "Answered no")
    if question.kind == "date":
        assert isinstance(value, date)
        if question.stale_after_days is not None:
            age = (today - value).days
            if age > question.stale_after_days:
                limit = question.stale_after_days
                return Status.FAIL, f"{value.isoformat()} is {age} days old, over the {limit}-day limit"
        return Status.PASS, f"Dated {value.isoformat()}"
    if question.kind == "choice":
        if value in question.pass_values:
            return Status.PASS, f"Answered {value}"
        if value in question.partial_values:
            return Status.PARTIAL, f"Answered {value}"
        return Status.FAIL, f"Answered {value}"
    if question.kind == "integer":
        assert isinstance(value, int)
        if question.min_value is not None and value < question.min_value:
            return Status.FAIL, f"{value} is below the minimum of {question.min_value}"
        return Status.PASS, f"Answered {value}"
    return Status.PASS, "Answered"


def answer_text(answer: Answer | None) -> str | None:
    if answer is None or answer.value is None:
        return None
    value = answer.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def answers_template(catalogue: Catalogue) -> str:
    """A commented answers file holding every question, ready to fill in."""
    capabilities = sorted(catalogue.capabilities, key=lambda c: c.id)
    out = [
        "# ir-assessor answers file (version 1).",
        "# Fill in the profile and the answers you can vouch for; leave a value empty (null) when unsure:",
        "# an unanswered question shows as `manual` in the report, never as a pass.",
        "# Schema for editor completion: `ir-assessor schema answers > answers.schema.json`.",
        "version: 1",
        "profile:",
        "  organization: Example Ltd",
        "  # On-prem IR capabilities in place today; the gap analysis compares the cloud against these.",
        "  # Every capability is listed: delete the lines for those you do NOT have on-prem.",
        "  onprem_capabilities:",
    ]
    for cap in capabilities:
        out.append(f"    - {cap.id}  # {_comment(cap.name)}")
    out += [
        "  workloads:",
        "    - name: example-workload",
        "      provider: aws            # aws | azure | gcp",
        "      service_model: iaas      # iaas | paas | saas",
        "      data_classification: confidential  # public | internal | confidential | restricted",
        "      accounts: []             # account / subscription / project ids; empty means all",
        "  allowed_jurisdictions: [EU] # jurisdiction codes where data, logs and evidence may live",
        "  required_log_retention_days: 365",
        "",
        "# Documented, expiring risk acceptances: the control shows `accepted` until the expiry date.",
        "risk_acceptances: []",
        "#  - control: EV-04",
        "#    reason: No packet capture for PaaS; compensated by WAF logs",
        "#    owner: CISO",
        "#    expires: 2027-06-30",
        "",
        "answers:",
    ]
    for question in sorted(catalogue.questions, key=lambda q: q.id):
        controls = sorted(c.id for c in catalogue.controls if question.id in c.questions)
        out.append(f"  # {_comment(question.text)}")
        if question.help:
            out.append(f"  #   {_comment(question.help)}")
        hint = {"boolean": "true | false", "date": "YYYY-MM-DD", "integer": "a whole number",
                "text": "free text", "choice": " | ".join(question.choices)}[question.kind]
        extra = f"; stale after {question.stale_after_days} days" if question.stale_after_days else ""
        out.append(f"  #   answer: {hint}{extra}; evidence for {', '.join(controls)}")
        out.append(f"  {question.id}:")
        out.append("    value: null")
        out.append('    note: ""')
        out.append('    evidence: ""')
    return "\n".join(out) + "\n"


def _comment(text: str) -> str:
    return " ".join(text.split())


def answers_json_schema() -> dict[str, object]:
    schema = Answers.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ir-assessor answers file"
    return schema


def dump_schema(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


__all__ = ["AnswersFile", "ValidationError", "answer_text", "answers_template", "judge", "load_answers",
           "validation_error"]
