"""Lambda: functions and the log group their runtime output is written to."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

FUNCTION = "aws.lambda.function"
OPS = (Operation("lambda", "ListFunctions", "lambda:ListFunctions", (FUNCTION,)),)


@sweep(service="lambda", scope="regional", types=(FUNCTION,), operations=OPS)
def functions(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    for page in call.pages("ListFunctions"):
        for fn in page.get("Functions", []):
            name = fn.get("FunctionName")
            # Without an explicit LoggingConfig the runtime writes to the conventional group.
            group = (fn.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
            out.append({"id": fn["FunctionArn"], "name": name, "region": region, "runtime": fn.get("Runtime"),
                        "package_type": fn.get("PackageType") or "Zip", "log_group": group})
    return {FUNCTION: out}
