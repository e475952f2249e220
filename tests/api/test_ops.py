"""Operations endpoints: liveness, readiness, Prometheus metrics."""

import os
import subprocess
import sys

from service import create_app
from tests.conftest import ROOT
from tests.support.builders import bearer, new_practice


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_answers_200_when_the_database_answers(client):
    assert client.get("/readyz").json == {"status": "ready"}


def test_readyz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
                     payers={})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "database unreachable"}


def test_metrics_count_requests_by_route_template_and_status(app, client):
    _, key = new_practice(app)
    client.get("/v1/patients", headers=bearer(key))
    client.get("/v1/patients/00000000-0000-4000-8000-000000000000", headers=bearer(key))
    text = client.get("/metrics").get_data(as_text=True)
    assert ('coverwatch_http_requests_total{method="GET",route="/v1/patients",status="200"} 1.0'
            in text)
    assert ('coverwatch_http_requests_total{method="GET",'
            'route="/v1/patients/<uuid:patient_id>",status="404"} 1.0' in text)
    assert "coverwatch_http_request_duration_seconds_bucket" in text
    assert "00000000-0000" not in text


def test_the_pool_size_setting_sizes_the_engines_pool():
    app = create_app({"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "db_pool_size": 7}, payers={})
    assert app.extensions["coverwatch"].engine.pool.size() == 7


def test_with_a_metrics_folder_configured_metrics_add_up_the_workers_files_there(tmp_path):
    # Given a worker process that counted one request into the folder, as gunicorn's do
    worker = ("from service.metrics import Metrics\n"
              "Metrics().observe('GET', '/v1/patients', 200, 0.01)")
    subprocess.run([sys.executable, "-c", worker], cwd=ROOT, check=True, timeout=60,
                   env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)})
    # When this process's app, pointed at the folder, is scraped
    app = create_app({"database_url": "sqlite://", "metrics_dir": tmp_path}, payers={})
    text = app.test_client().get("/metrics").get_data(as_text=True)
    # Then the worker's count is there
    assert ('coverwatch_http_requests_total{method="GET",route="/v1/patients",status="200"} 1.0'
            in text)
