"""The container deployment (deploy/compose.yaml) agrees with itself and with the tested loopback one:
its nginx config is the template rendered for its replicas (and nginx accepts it), every replica points
at the one database with the one secret, and the app believes X-Real-IP from that nginx only.
(No container engine runs on the development machines: the compose file itself is not started here.)"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy import replicas
from gradscape.ui import class_board, clients

DEPLOY = Path(replicas.__file__).resolve().parent
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_the_committed_nginx_config_is_the_template_rendered_for_the_compose_replicas():
    assert (DEPLOY / "compose" / "nginx.conf").read_text(encoding="utf-8") == replicas.compose_nginx()
    servers = re.findall(r"^\s*server (\S+) ", replicas.compose_nginx(), flags=re.M)
    assert servers == [f"{name}:8501" for name in replicas.COMPOSE_REPLICAS]


def test_every_replica_shares_one_database_and_one_secret_and_is_what_nginx_proxies_to():
    services = COMPOSE["services"]
    apps = [name for name, s in services.items() if "build" in s]
    assert apps == list(replicas.COMPOSE_REPLICAS)
    envs = [services[name]["environment"] for name in apps]
    assert all(env == envs[0] for env in envs)
    assert envs[0]["GRADSCAPE_DATABASE_URL"].startswith("postgresql+psycopg://") and "@db:" in envs[0]["GRADSCAPE_DATABASE_URL"]
    assert envs[0]["GRADSCAPE_SECRET"].startswith("${GRADSCAPE_SECRET:?")  # compose refuses to start without one
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert '"--port", "8501"' in dockerfile and "8501/_stcore/health" in dockerfile
    nginx = services["nginx"]
    assert nginx["ports"] == ["8080:80"] and "listen 80;" in replicas.compose_nginx()
    assert set(nginx["depends_on"]) == set(apps)


def test_the_app_believes_only_the_compose_nginx_about_client_addresses(monkeypatch):
    services = COMPOSE["services"]
    proxy = services["nginx"]["networks"]["class"]["ipv4_address"]
    subnet = ipaddress.ip_network(COMPOSE["networks"]["class"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(proxy) in subnet
    monkeypatch.setenv(clients.TRUSTED_ENV, services["app1"]["environment"]["GRADSCAPE_TRUSTED_PROXIES"])
    trusted = clients.trusted_proxies()
    assert clients.client_address(proxy, "203.0.113.9", trusted) == "203.0.113.9"
    other = str(next(a for a in subnet.hosts() if str(a) != proxy))
    assert clients.client_address(other, "203.0.113.9", trusted) == other


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="nginx is installed by .ci/run")
def test_nginx_accepts_the_compose_config(tmp_path):
    text = replicas.compose_nginx().replace("/tmp", str(tmp_path))
    for name in replicas.COMPOSE_REPLICAS:  # the compose network's names do not resolve here
        text = text.replace(f"server {name}:", "server 127.0.0.1:")
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    check = subprocess.run([replicas.nginx_binary(), "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
