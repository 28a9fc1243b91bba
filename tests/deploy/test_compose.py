"""deploy/compose.yaml against the compose-spec JSON schema (vendored in PyPI check-jsonschema,
which names its source), offline. Then what the schema cannot say."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from workflows import search_attributes

COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose.yaml"
ONE_SHOT = {"migrate", "temporal-search-attributes"}


def compose_schema() -> dict:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "compose-spec.json").read_text())


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_matches_the_compose_spec(compose):
    jsonschema.Draft202012Validator(compose_schema()).validate(compose)


def test_a_misspelt_service_field_fails_validation(compose):
    broken = json.loads(json.dumps(compose))
    broken["services"]["worker"]["helthcheck"] = broken["services"]["worker"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(compose_schema()).validate(broken)


def test_the_services_the_issue_asks_for(compose):
    services = compose["services"]
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:")
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    assert services["migrate"]["command"] == ["migrate"]
    assert services["worker"]["command"] == ["worker"] and services["api"]["command"] == ["api"]


def test_images_are_pinned(compose):
    for name, service in compose["services"].items():
        tag = service["image"].rsplit(":", 1)[-1]
        assert re.fullmatch(r"\d+(\.\d+)+(-[\w.-]+)?", tag), f"{name}: {service['image']}"


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no"
        else:
            assert service["healthcheck"]["test"], name


def test_workers_scale_with_scale_worker_n(compose):
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_every_search_attribute_is_registered(compose):
    command = "\n".join(compose["services"]["temporal-search-attributes"]["command"])
    registered = dict(re.findall(r"(Jindu\w+)=(\w+)", command))
    kinds = {"KEYWORD": "Keyword", "KEYWORD_LIST": "KeywordList", "DATETIME": "Datetime", "BOOL": "Bool"}
    expected = {key.name: kinds[key.indexed_value_type.name] for key in search_attributes.ALL}
    assert expected.items() <= registered.items()
    assert registered["JinduKind"] == "Keyword"  # added by the lifecycle rewrite (issue 6)


def test_jindu_settings_in_compose_exist(compose):
    from jindu.settings import Settings

    known = {f"JINDU_{name.upper()}" for name in Settings.model_fields}
    assert set(compose["x-jindu"]["environment"]) <= known
