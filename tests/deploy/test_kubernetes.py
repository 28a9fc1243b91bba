"""deploy/k8s/ against the Kubernetes 1.37 JSON schemas (PyPI kubernetes-validate, offline),
strict: an unknown or misspelt field fails. Then what the schemas cannot say."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
VERSION = "1.37.0"


def documents() -> list[tuple[str, dict]]:
    return [(f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc)
            for path in sorted(K8S.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]


DOCS = dict(documents())


@pytest.mark.parametrize("name", list(DOCS))
def test_manifest_matches_the_kubernetes_schema(name):
    kubernetes_validate.validate(DOCS[name], VERSION, strict=True)


def test_a_misspelt_field_fails_validation():
    deployment = yaml.safe_load((K8S / "worker.yaml").read_text())
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSION, strict=True)


def test_every_kind_the_issue_asks_for_is_there():
    kinds = sorted(doc["kind"] for doc in DOCS.values())
    assert kinds == ["ConfigMap", "Deployment", "Deployment", "Job", "Secret", "Secret", "Service"]


def pod_specs() -> dict[str, dict]:
    return {name: doc["spec"]["template"]["spec"] for name, doc in DOCS.items()
            if doc["kind"] in ("Deployment", "Job")}


@pytest.mark.parametrize("name", list(pod_specs()))
def test_pods_run_as_non_root_with_pinned_images_and_sized_resources(name):
    spec = pod_specs()[name]
    assert spec["securityContext"]["runAsNonRoot"] is True
    for container in spec["containers"]:
        image = container["image"]
        assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert "memory" in container["resources"]["limits"]
        assert {"name": "jindu"} in [ref.get("configMapRef") for ref in container["envFrom"]]


def test_the_api_is_probed_on_healthz_and_served_by_the_service():
    api = DOCS["api.yaml:Deployment/jindu-api"]["spec"]["template"]
    container = api["spec"]["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/healthz"
    service = DOCS["api.yaml:Service/jindu-api"]
    assert service["spec"]["selector"].items() <= api["metadata"]["labels"].items()


def test_settings_the_manifests_set_exist():
    from jindu.settings import Settings

    known = {f"JINDU_{name.upper()}" for name in Settings.model_fields}
    config = DOCS["configmap.yaml:ConfigMap/jindu"]["data"]
    secret = DOCS["secret.yaml:Secret/jindu"]["stringData"]
    assert set(config) | set(secret) <= known
    mtls = (K8S / "worker.yaml").read_text()
    for variable in ("JINDU_TEMPORAL_TLS_CERT", "JINDU_TEMPORAL_TLS_KEY", "JINDU_TEMPORAL_TLS_CA"):
        assert variable in mtls and variable in known
