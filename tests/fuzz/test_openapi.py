"""Schemathesis against the live API's /openapi.json, as every role: no answer is a 5xx.

Each operation gets a bounded number of generated requests, valid and invalid by its
schema; actions on a project are aimed half the time at a real project in execution (one per role), so
they reach the workflow's validators and the activities behind them. Shrinking is off to
keep the run short: a failure prints the request that caused it as a curl command.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.fuzz.conftest import ROLES

EXAMPLES_PER_OPERATION = 20


def cases(operation, project_id: str, token: str):
    auth = {"Authorization": f"Bearer {token}"}
    at_project = {"project_id": project_id} if "{project_id}" in operation.path else None
    modes = [operation.as_strategy(mode, headers=auth, path_parameters=params)
             for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
             for params in {None: [None], **({"p": [None, at_project]} if at_project else {})}.popitem()[1]]
    return st.one_of(modes)


def server_errors(operation, target, token: str, project_id: str) -> list[str]:
    found: list[str] = []

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases(operation, project_id, token))
    def run(case) -> None:
        response = case.call(base_url=target.api_url, timeout=15)
        if response.status_code >= 500:
            found.append(f"{response.status_code} {response.text[:200]}\n    {case.as_curl_command()}")
            raise AssertionError("5xx")  # stops this operation: one example of each failure is enough

    try:
        run()
    except AssertionError:
        pass
    return found


@pytest.mark.timeout(180)
@pytest.mark.parametrize("role", ROLES)
def test_no_request_gets_a_server_error(fuzz_target, role):
    schema = schemathesis.openapi.from_url(f"{fuzz_target.api_url}/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        failures += [f"{operation.label} as {role}: {f}" for f in server_errors(
            operation, fuzz_target, fuzz_target.tokens[role], fuzz_target.projects[role])]
    assert failures == [], "\n".join(failures)
