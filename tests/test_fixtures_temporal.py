"""Both Temporal test servers come up with Jindu's search attributes registered."""

import uuid
from datetime import UTC, datetime

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from tests.fixtures_temporal import already_registered, listed_search_attributes
from workflows import search_attributes

EXPECTED = {key.name: int(key.indexed_value_type) for key in search_attributes.ALL}
SAMPLE = {
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD: "probe",
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST: ["probe"],
    IndexedValueType.INDEXED_VALUE_TYPE_DATETIME: datetime(2026, 1, 5, tzinfo=UTC),
    IndexedValueType.INDEXED_VALUE_TYPE_BOOL: True,
}


async def test_dev_server_lists_the_search_attributes_with_their_types(local_env):
    listed = await listed_search_attributes(local_env.client)
    assert {name: listed.get(name) for name in EXPECTED} == EXPECTED


async def test_dev_server_workflows_carry_every_search_attribute(local_env):
    # A workflow nobody runs, started with every attribute set, then read back.
    pairs = [SearchAttributePair(key, SAMPLE[key.indexed_value_type]) for key in search_attributes.ALL]
    handle = await local_env.client.start_workflow(
        "SearchAttributeProbe", id=f"search-attribute-probe-{uuid.uuid4()}", task_queue="search-attribute-probe",
        search_attributes=TypedSearchAttributes(pairs),
    )  # fmt: skip
    try:
        found = (await handle.describe()).typed_search_attributes
    finally:
        await handle.terminate()
    assert {key.name: found.get(key) for key in search_attributes.ALL} == {
        key.name: SAMPLE[key.indexed_value_type] for key in search_attributes.ALL
    }


async def test_time_skipping_server_has_the_search_attributes(skip_env):
    assert skip_env.supports_time_skipping
    assert await already_registered(skip_env.client, search_attributes.ALL) == set(EXPECTED)


async def test_the_time_skipping_check_tells_unknown_names_apart(skip_env):
    # What makes the check above meaningful: a name the server did not have is not reported.
    unknown = SearchAttributeKey.for_keyword(f"JinduProbe{uuid.uuid4().hex[:8]}")
    assert await already_registered(skip_env.client, (unknown,)) == set()
