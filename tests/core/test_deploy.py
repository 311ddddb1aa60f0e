"""Beyond one process: every control answer names its replica, and the deploy/ files (Kubernetes manifests
validated against the Kubernetes schema, compose.yaml and nginx.conf) agree with the Dockerfile and the CLI.
tests/core/test_fleet.py runs nginx.conf for real."""

from __future__ import annotations

import copy
import os
import re
import tomllib

import pytest
import requests
import yaml
from kubernetes_validate import utils as k8s

from mockserver.core.control import UNGUARDED
from mockserver.settings import ENV, from_env
from tests.balancer import NGINX, SERVER_LINE
from tests.core.test_image import healthcheck, image_env
from tests.core.test_recipes import assert_settings
from tests.served import ROOT

DEPLOY = ROOT / "deploy"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
PORT = int(image_env()["PORT"])
KUBERNETES = "1.37"  # the newest schema kubernetes-validate bundles (it works offline)


# -- the replica id ----------------------------------------------------------------------------------------
def test_every_control_answer_names_the_replica(server):
    health = requests.get(f"{server.url}/_mock/health", timeout=10)
    replica = health.json()["replica"]
    assert replica == f"{os.uname().nodename}-{os.getpid()}" and health.headers["X-Mock-Replica"] == replica
    tenants = requests.get(f"{server.url}/_mock/tenants", timeout=10)
    assert tenants.json()["replica"] == replica and tenants.headers["X-Mock-Replica"] == replica
    refused = requests.get(f"{server.url}/_mock/state?vendor=nope", timeout=10)  # an error answer too
    assert refused.status_code == 404 and refused.headers["X-Mock-Replica"] == replica
    reset = requests.post(f"{server.url}/_mock/reset?tenant=replica-probe", timeout=10)
    assert reset.json()["replica"] == replica and reset.headers["X-Mock-Replica"] == replica
    metrics = requests.get(f"{server.url}/_mock/metrics", timeout=10).text
    assert f'mockserver_replica_info{{replica="{replica}"}} 1.0' in metrics


def test_a_replica_id_is_checked_and_named_by_its_source():
    assert from_env({"MOCKSERVER_REPLICA_ID": "mock-2"}).replica_id == "mock-2"
    with pytest.raises(ValueError, match="MOCKSERVER_REPLICA_ID must be 1-128"):
        from_env({"MOCKSERVER_REPLICA_ID": "two words"})
    with pytest.raises(ValueError, match="--replica-id must be"):
        from_env({}, replica_id="a\nb")


# -- deploy/: Kubernetes --------------------------------------------------------------------------------------
def manifests() -> dict[str, dict]:
    docs = [d for path in sorted((DEPLOY / "k8s").glob("*.yaml")) for d in yaml.safe_load_all(path.read_text()) if d]
    return {d["kind"]: d for d in docs}


def test_the_manifests_validate_against_the_kubernetes_schema():
    found = manifests()
    assert set(found) == {"Deployment", "Service", "Ingress"}
    for doc in found.values():
        assert k8s.validate(doc, KUBERNETES, strict=True) == KUBERNETES
    broken = copy.deepcopy(found["Deployment"])  # the validator does refuse a manifest Kubernetes would
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/"
    with pytest.raises(k8s.ValidationError):
        k8s.validate(broken, KUBERNETES, strict=True)


def readme_idle_rss_mb() -> float:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return float(re.search(r"\| idle RSS, all processes \| (\d+(?:\.\d+)?) MB", text).group(1))


def mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()
    return int(number) * (1024 if unit == "Gi" else 1) * 1.048576


def test_the_deployment_runs_the_image_with_its_port_variables_and_health():
    found = manifests()
    deployment, service, ingress = found["Deployment"], found["Service"], found["Ingress"]
    assert deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["image"].endswith(f"/mockserver:{VERSION}")
    (port,) = container["ports"]
    env = {e["name"]: e for e in container["env"]}
    assert port["containerPort"] == int(env["PORT"]["value"]) == PORT
    assert set(env) <= set(ENV.values())
    assert_settings({name: e["value"] for name, e in env.items() if "value" in e})
    assert env["MOCKSERVER_REPLICA_ID"]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    assert pod["spec"]["securityContext"]["runAsUser"] == 10001  # the Dockerfile's USER
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_mock/health", "port": port["name"]}
    assert ("GET", "/health") in UNGUARDED  # the probes carry no control token
    assert readme_idle_rss_mb() < mebibytes(container["resources"]["requests"]["memory"])
    assert pod["metadata"]["labels"].items() >= service["spec"]["selector"].items()
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] == port["name"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": service_port["name"]}}
    key = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"]
    assert key == "$http_x_mock_tenant$arg_tenant"


# -- deploy/: compose and nginx ---------------------------------------------------------------------------


def test_compose_runs_three_replicas_of_the_image_behind_the_balancer():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    balancer = services.pop("balancer")
    assert sorted(services) == ["mock1", "mock2", "mock3"]
    for name, service in services.items():
        assert (DEPLOY / service["build"] / "Dockerfile").is_file() and service["image"] == f"mockserver:{VERSION}"
        assert_settings(service["environment"])
        assert service["environment"]["MOCKSERVER_REPLICA_ID"] == name
        assert service["healthcheck"]["test"] == ["CMD", *healthcheck()[1]]
    upstreams = [(host, int(port[1:])) for _, host, port, _ in SERVER_LINE.findall(NGINX)]
    assert upstreams == [(name, int(s["environment"]["PORT"])) for name, s in services.items()]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in balancer["volumes"]
    listen = int(re.search(r"^\s*listen (\d+);$", NGINX, re.M).group(1))
    assert balancer["ports"] == [f"{PORT}:{listen}"]
    assert balancer["healthcheck"]["test"][-1] == f"http://127.0.0.1:{listen}/_mock/health"
    assert set(balancer["depends_on"]) == set(services)


def test_nginx_hashes_the_tenant_consistently():
    assert re.search(r"^\s*hash \$mock_tenant consistent;$", NGINX, re.M)
    assert re.search(r'^\s*map "\$http_x_mock_tenant\|\$uri\|\$arg_tenant" \$mock_tenant \{$', NGINX, re.M)




def test_the_readmes_fleet_commands_name_the_replicas_compose_publishes():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    published = [f"http://{s['ports'][0].rsplit(':', 1)[0]}" for name, s in services.items() if name != "balancer"]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^mockserver fleet (?:reset|tenants) --urls (\S+)$", text, re.M)
    assert len(commands) == 2 and all(urls.split(",") == published for urls in commands)
