"""`landrules serve`: the API gives the CLI's verdicts and problems, and refuses safely.

Most tests drive the application in-process through Starlette's TestClient; one starts the
server as a user does (`python -m landrules serve --port P`) and sends it the hostile inputs.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from conftest import EXAMPLES, ROOT, CliResult
from serving import running_server
from starlette.testclient import TestClient

from landrules import yamlio
from landrules.i18n import use_lang
from landrules.problems import Problem
from landrules.serve.app import create_app
from landrules.serve.config import ServeConfig

BAD = ROOT / "tests" / "fixtures" / "bad"
MANIFEST = yamlio.load(BAD / "expected.yaml").data
assert isinstance(MANIFEST, dict)
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
YAML = {"content-type": "application/yaml"}
Run = Callable[..., CliResult]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServeConfig()), raise_server_exceptions=False) as c:
        yield c


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_every_example_gets_the_verdict_check_prints_as_json(
    path: Path, client: TestClient, run_cli: Run
) -> None:
    cli = run_cli(["check", _relative(path), "--format", "json"])
    answer = client.post(
        "/v1/check", params={"source": _relative(path)}, content=path.read_bytes(), headers=YAML
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads(cli.stdout)


def test_the_same_parcel_as_json_gets_the_same_verdict(client: TestClient, run_cli: Run) -> None:
    path = EXAMPLES / "p1-applies-renovation.yaml"
    data = yamlio.load(path).data  # every value as written: 0.80 stays 0.80
    answer = client.post(
        "/v1/check",
        params={"source": _relative(path)},
        content=json.dumps(data, ensure_ascii=False).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    cli = run_cli(["check", _relative(path), "--format", "json"])
    assert answer.status_code == 200, answer.text
    assert answer.json() == json.loads(cli.stdout)


def test_as_of_judges_on_the_date_as_check_as_of_does(client: TestClient, run_cli: Run) -> None:
    path = EXAMPLES / "p2-applies.yaml"
    cli = run_cli(["check", _relative(path), "--format", "json", "--as-of", "2015-06-01"])
    answer = client.post(
        "/v1/check",
        params={"source": _relative(path), "as_of": "2015-06-01"},
        content=path.read_bytes(),
        headers=YAML,
    )
    verdict = answer.json()
    assert verdict == json.loads(cli.stdout)
    assert {p["outcome"] for p in verdict["provisions"]} == {"needs_review", "does_not_apply"}


PARCELS = sorted(MANIFEST["parcel"])


@pytest.mark.parametrize("name", PARCELS)
def test_a_bad_parcel_gets_422_with_the_problems_the_cli_prints(
    name: str, client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    shutil.copyfile(BAD / "parcel" / name, tmp_path / name)
    cli = run_cli(["check", name], cwd=tmp_path)
    answer = client.post(
        "/v1/check",
        params={"source": name, "lang": "en"},
        content=(BAD / "parcel" / name).read_bytes(),
        headers=YAML,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 422 and problem["type"].endswith("/invalid-input")
    first = problem["problems"][0]
    expected = MANIFEST["parcel"][name]
    assert (first["code"], first["line"], first["col"]) == (
        expected["code"],
        int(expected["line"]),
        int(expected["col"]),
    )
    with use_lang("en"):
        shown = "".join(Problem(**p).render() + "\n" for p in problem["problems"])
    assert shown == cli.stderr


def test_problems_speak_the_language_asked_for(client: TestClient) -> None:
    bad = (BAD / "parcel" / "negative-area.yaml").read_bytes()
    zh = client.post("/v1/check", params={"lang": "zh"}, content=bad, headers=YAML).json()
    en = client.post("/v1/check", params={"lang": "en"}, content=bad, headers=YAML).json()
    assert (
        zh["title"] == "输入不是有效的宗地。" and en["title"] == "The input is not a valid parcel."
    )
    assert zh["problems"][0]["message"] != en["problems"][0]["message"]
    via_header = client.post(
        "/v1/check", content=bad, headers={**YAML, "accept-language": "zh-CN,zh;q=0.9"}
    ).json()
    assert via_header == zh


def test_json_that_is_not_json_is_refused_at_its_place(client: TestClient) -> None:
    answer = client.post(
        "/v1/check",
        content=b'{"schema_version": "1",\n  "parcel": {"code": "A",}}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert (problem["code"], problem["line"], problem["col"]) == ("json", 2, 26)
    assert problem["hint"]


REGISTERS = sorted(MANIFEST["registers"])
MEDIA = {".csv": "text/csv", ".jsonl": "application/jsonl"}


@pytest.mark.parametrize("name", REGISTERS)
def test_a_register_upload_streams_the_records_check_writes_as_json_lines(
    name: str, client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    suffix = Path(name).suffix
    shown = f"upload{suffix}"
    shutil.copyfile(BAD / "registers" / name, tmp_path / shown)
    cli = run_cli(["check", shown, "--format", "jsonl"], cwd=tmp_path)
    answer = client.post(
        "/v1/check/register",
        params={"lang": "en"},
        files={"file": (name, (BAD / "registers" / name).read_bytes(), MEDIA[suffix])},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/jsonl")
    *records, last = answer.text.splitlines(keepends=True)
    assert "".join(records) == cli.stdout
    summary = json.loads(last)["summary"]
    assert summary["input_errors"] >= 1 and summary["parcels"] == len(records)


def test_a_register_sent_as_csv_body_comes_back_as_the_csv_check_writes(
    client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    raw = (BAD / "registers" / "reg-extra-cell.csv").read_bytes()
    (tmp_path / "upload.csv").write_bytes(raw)
    cli = run_cli(["check", "upload.csv", "--format", "csv", "-o", "out.csv"], cwd=tmp_path)
    assert cli.exit_code == 3, cli.describe()
    answer = client.post(
        "/v1/check/register",
        content=raw,
        headers={"content-type": "text/csv", "accept": "text/csv"},
    )
    assert answer.status_code == 200
    assert answer.content == (tmp_path / "out.csv").read_bytes()


def test_an_upload_never_names_a_file_on_the_server(client: TestClient, tmp_path: Path) -> None:
    target = tmp_path / "written-by-client.csv"
    answer = client.post(
        "/v1/check/register",
        files={"file": (str(target), b"\xe5\xae\x97\xe5\x9c\xb0\xe5\x8f\xb7\nA\n", "text/csv")},
    )
    assert answer.status_code == 200
    assert not target.exists()
    assert str(tmp_path) not in answer.text and '"source": "upload.csv:2"' in answer.text


def test_the_pack_is_described_with_its_identity_and_quotes(client: TestClient) -> None:
    data = client.get("/v1/pack").json()
    assert data["pack"]["id"] == "cixi-jingxinjian-2019-13" and len(data["pack"]["sha256"]) == 64
    assert [p["id"] for p in data["provisions"]] == ["P1", "P2", "P3"]
    text = json.dumps(data, ensure_ascii=False)
    assert "不再征收土地价款" in text and "提高现有工业用地容积率" in text


def test_probes_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    client.post("/v1/check", content=(EXAMPLES / "p2-applies.yaml").read_bytes(), headers=YAML)
    client.post("/v1/check", content=b"schema_version: '1'\nnope: 1\n", headers=YAML)
    text = client.get("/metrics").text
    assert 'landrules_outcomes_total{provision="P2",outcome="applies"}' in text
    assert 'landrules_input_errors_total{endpoint="check"}' in text
    assert 'landrules_http_request_duration_seconds_bucket{route="/v1/check",le="+Inf"}' in text
    assert 'landrules_http_requests_total{method="POST",route="/v1/check",status="422"}' in text


def test_the_openapi_document_is_valid_and_lists_exactly_the_routes_served(
    client: TestClient,
) -> None:
    from openapi_spec_validator import validate

    doc = client.get("/openapi.json").json()
    validate(doc)
    served = {r.path for r in client.app.routes if getattr(r, "methods", None)}  # type: ignore[attr-defined]
    assert set(doc["paths"]) == served


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for answer in (client.get("/"), client.get("/v1/pack"), client.get("/nowhere")):
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "access-control-allow-origin" not in answer.headers


def test_cors_only_for_the_origins_configured() -> None:
    config = ServeConfig(cors_origins=("https://approvals.example",))
    with TestClient(create_app(config)) as c:
        yes = c.get("/v1/pack", headers={"origin": "https://approvals.example"})
        no = c.get("/v1/pack", headers={"origin": "https://elsewhere.example"})
    assert yes.headers["access-control-allow-origin"] == "https://approvals.example"
    assert "access-control-allow-origin" not in no.headers


def test_with_a_token_every_request_but_the_probes_needs_it() -> None:
    with TestClient(create_app(ServeConfig(token="s3cret-token"))) as c:
        body = (EXAMPLES / "p2-applies.yaml").read_bytes()
        missing = c.post("/v1/check", content=body, headers=YAML)
        wrong = c.post(
            "/v1/check", content=body, headers={**YAML, "authorization": "Bearer s3cret-tokeN"}
        )
        basic = c.post("/v1/check", content=body, headers={**YAML, "authorization": "Basic x"})
        right = c.post(
            "/v1/check", content=body, headers={**YAML, "authorization": "Bearer s3cret-token"}
        )
        for refused in (missing, wrong, basic, c.get("/metrics"), c.get("/v1/pack")):
            assert refused.status_code == 401
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["www-authenticate"].startswith("Bearer")
        assert right.status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200


def test_binding_beyond_this_machine_needs_a_token(run_cli: Run) -> None:
    result = run_cli(["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2, result.describe()
    assert "--token" in result.stderr and "--insecure" in result.stderr


# ---------------------------------------------------------------------------------------------
# Hostile inputs against the server as users start it


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A request that took over a second would be answered 503 (`--time-limit 1`), so a 4xx
    answer was given in time."""
    with running_server("--time-limit", "1") as base:
        yield base


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"#" * 65536 + b"\n"
        sent += 65537


HOSTILE: dict[str, tuple[dict[str, str], Callable[[], bytes | Iterator[bytes]], int]] = {
    "billion laughs": (YAML, lambda: (BAD / "parcel" / "billion-laughs.yaml").read_bytes(), 422),
    "python tag": (YAML, lambda: (BAD / "parcel" / "tag-python-os-system.yaml").read_bytes(), 422),
    "deep nesting": (YAML, lambda: (BAD / "parcel" / "deep-block-nesting.yaml").read_bytes(), 422),
    "10,000-deep JSON": (
        {"content-type": "application/json"},
        lambda: b"[" * 10000 + b"]" * 10000,
        422,
    ),
    "2 MB body": (YAML, lambda: b"a: " + b"x" * 2_000_000, 413),
    "5 MB body without a length": (YAML, lambda: _chunks(5_000_000), 413),
    "wrong content type": ({"content-type": "text/plain"}, lambda: b"schema_version: '1'", 415),
    "no content type": ({}, lambda: b"schema_version: '1'", 415),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_parcel_gets_a_problem_in_time_and_the_server_keeps_serving(
    name: str, server: str
) -> None:
    headers, body, status = HOSTILE[name]
    answer = httpx.post(server + "/v1/check", content=body(), headers=headers, timeout=10)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == status
    assert httpx.get(server + "/healthz", timeout=5).status_code == 200


MULTIPART_HOSTILE = {
    "no boundary": ({"content-type": "multipart/form-data"}, b"--x\r\n\r\n", 400),
    "truncated": (
        {"content-type": "multipart/form-data; boundary=XYZ"},
        b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nA,1',
        400,
    ),
    "no file part": (
        {"content-type": "multipart/form-data; boundary=XYZ"},
        b'--XYZ\r\nContent-Disposition: form-data; name="other"\r\n\r\nhello\r\n--XYZ--\r\n',
        400,
    ),
    "unknown register type": (
        {"content-type": "multipart/form-data; boundary=XYZ"},
        b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n'
        b"\r\nroot:x:0:0\r\n--XYZ--\r\n",
        400,
    ),
    "wrong content type": ({"content-type": "application/pdf"}, b"%PDF-1.4", 415),
    "asks for XML": ({"content-type": "text/csv", "accept": "application/xml"}, b"A\n1\n", 406),
}


@pytest.mark.parametrize("name", list(MULTIPART_HOSTILE))
def test_a_malformed_upload_gets_a_problem_and_the_server_keeps_serving(
    name: str, server: str
) -> None:
    headers, body, status = MULTIPART_HOSTILE[name]
    answer = httpx.post(server + "/v1/check/register", content=body, headers=headers, timeout=10)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert httpx.get(server + "/healthz", timeout=5).status_code == 200


def test_the_server_started_by_users_gives_the_cli_verdict(server: str, run_cli: Run) -> None:
    path = EXAMPLES / "p3-applies.yaml"
    answer = httpx.post(
        server + "/v1/check",
        params={"source": _relative(path)},
        content=path.read_bytes(),
        headers=YAML,
        timeout=10,
    )
    assert answer.json() == json.loads(
        run_cli(["check", _relative(path), "--format", "json"]).stdout
    )


def test_a_check_over_its_time_limit_is_answered_503_and_the_next_one_is_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from landrules.serve import service

    body = (EXAMPLES / "p2-applies.yaml").read_bytes()
    checked = service.check_one

    def slow(*args: Any, **kwargs: Any) -> Any:
        if b"slow" in args[1]:
            time.sleep(0.5)
        return checked(*args, **kwargs)

    monkeypatch.setattr(service, "check_one", slow)
    with TestClient(create_app(ServeConfig(time_limit=0.2))) as c:
        late = c.post("/v1/check", content=body + b"# slow\n", headers=YAML)
        assert late.status_code == 503 and late.json()["type"].endswith("/time-limit")
        assert c.get("/healthz").status_code == 200  # the event loop was never blocked
        time.sleep(0.4)  # the abandoned check still holds the library's one thread until done
        assert c.post("/v1/check", content=body, headers=YAML).status_code == 200


def test_an_upload_leaves_no_file_behind(client: TestClient) -> None:
    app: Any = client.app
    folder = Path(app.state.service.uploads)
    raw = (BAD / "registers" / "reg-negative.jsonl").read_bytes()
    answer = client.post(
        "/v1/check/register", content=raw, headers={"content-type": "application/jsonl"}
    )
    assert answer.status_code == 200 and '"summary"' in answer.text
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_cors_preflight_needs_no_token() -> None:
    config = ServeConfig(token="t0ken", cors_origins=("https://approvals.example",))
    with TestClient(create_app(config)) as c:
        preflight = c.options(
            "/v1/check",
            headers={
                "origin": "https://approvals.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization,content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://approvals.example"
        assert (
            c.post("/v1/check", headers={"origin": "https://approvals.example"}).status_code == 401
        )


def test_two_workers_serve_the_same_verdicts(run_cli: Run) -> None:
    path = EXAMPLES / "p1-needs-review-m0.yaml"
    expected = json.loads(run_cli(["check", _relative(path), "--format", "json"]).stdout)
    with running_server("--workers", "2") as base:
        for _ in range(4):
            answer = httpx.post(
                base + "/v1/check",
                params={"source": _relative(path)},
                content=path.read_bytes(),
                headers=YAML,
                timeout=10,
            )
            assert answer.json() == expected


def test_a_broken_rule_pack_is_refused_before_serving(run_cli: Run, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "cixi-jingxinjian-2019-13", pack)
    shutil.copyfile(BAD / "rules" / "rule-tab.yaml", pack / "p2-new-land-above-indicator.yaml")
    result = run_cli(["serve", "--rules", str(pack), "--port", "1"])
    assert result.exit_code == 4, result.describe()
    assert "error[schema]" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["xlsx", "geojson", "csv-gb18030"])
def test_every_register_kind_uploads_to_the_records_check_writes(
    kind: str, client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    """Registers written by openpyxl, as GeoJSON, and as CSV saved by Chinese Excel (GB18030),
    holding every flat example: the stream equals `check --format jsonl` on the same file."""
    from register_fixtures import flat_examples, write_chinese_csv, write_geojson, write_xlsx

    examples = flat_examples()
    made = {
        "xlsx": lambda: write_xlsx(tmp_path / "made.xlsx", examples),
        "geojson": lambda: write_geojson(tmp_path / "made.geojson", examples),
        "csv-gb18030": lambda: write_chinese_csv(tmp_path / "made.csv", examples, "gb18030"),
    }[kind]()
    shown = tmp_path / f"upload{made.suffix}"
    shutil.copyfile(made, shown)
    cli = run_cli(["check", shown.name, "--format", "jsonl"], cwd=tmp_path)
    answer = client.post(
        "/v1/check/register",
        params={"lang": "en"},
        files={"file": (f"台账{made.suffix}", made.read_bytes(), "application/octet-stream")},
    )
    assert answer.status_code == 200, answer.text
    *records, last = answer.text.splitlines(keepends=True)
    assert "".join(records) == cli.stdout
    summary = json.loads(last)
    assert summary["summary"]["input_errors"] == 0 and summary["summary"]["parcels"] >= 10
    if kind == "csv-gb18030":  # read as GB18030 with a notice, as the CLI says on stderr
        assert summary["notices"] and summary["notices"][0]["path"] == "upload.csv"


def test_a_charset_reads_the_body_as_check_encoding_does(
    client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    raw = (BAD / "parcel" / "gbk.yaml").read_bytes()
    (tmp_path / "gbk.yaml").write_bytes(raw)
    cli = run_cli(["check", "gbk.yaml", "--format", "json", "--encoding", "gb18030"], cwd=tmp_path)
    assert cli.exit_code == 0, cli.describe()
    answer = client.post(
        "/v1/check",
        params={"source": "gbk.yaml"},
        content=raw,
        headers={"content-type": "application/yaml; charset=GB18030"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == json.loads(cli.stdout)
    unknown = client.post(
        "/v1/check", content=raw, headers={"content-type": "application/yaml; charset=klingon"}
    )
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["code"] == "encoding"


def test_accept_xlsx_gives_the_csv_table_as_a_workbook(
    client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    from openpyxl import load_workbook

    raw = (BAD / "registers" / "reg-misspelt-tenure.csv").read_bytes()
    (tmp_path / "upload.csv").write_bytes(raw)
    run_cli(["check", "upload.csv", "--format", "csv", "-o", "out.csv"], cwd=tmp_path)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = client.post(
        "/v1/check/register", content=raw, headers={"content-type": "text/csv", "accept": xlsx}
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == xlsx
    (tmp_path / "got.xlsx").write_bytes(answer.content)
    sheet = load_workbook(tmp_path / "got.xlsx", read_only=True).active
    got = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    import csv

    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        assert got == list(csv.reader(f))
    app: Any = client.app
    assert list(Path(app.state.service.uploads).iterdir()) == []


def test_the_page_reads_answers_as_ask_does_with_units_and_chinese_words(
    client: TestClient,
) -> None:
    answers = {"parcel.land_supply": "存量", "parcel.land_area_m2": "30亩"}
    answer = client.post("/v1/interview?lang=zh", json={"answers": answers})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["refused"] == {}
    assert "land_area: 30亩" in data["yaml"] and "land_supply: 存量" in data["yaml"]  # as typed


def test_excel_unicode_text_uploaded_gets_the_verdicts_check_writes(
    client: TestClient, tmp_path: Path, run_cli: Run
) -> None:
    from test_register_excel_formats import HEADER, parcels, save

    path = save(tmp_path / "upload.txt", [HEADER, *parcels(3)], "unicode-text")
    cli = run_cli(["check", "upload.txt", "--format", "jsonl"], cwd=tmp_path)
    assert cli.exit_code == 0, cli.describe()
    answer = client.post(
        "/v1/check/register",
        params={"lang": "en"},
        files={"file": ("台账.txt", path.read_bytes(), "text/plain")},
    )
    assert answer.status_code == 200, answer.text
    *records, _ = answer.text.splitlines(keepends=True)
    assert "".join(records) == cli.stdout and len(records) == 3


def test_a_gis_layer_is_not_taken_from_the_network(client: TestClient) -> None:
    """A .shp needs its .dbf beside it, and GDAL's C code does not read a stranger's file: the
    upload is refused naming what is taken, before anything is written or parsed."""
    for name in ("宗地.shp", "宗地.dbf", "宗地.gpkg"):
        answer = client.post(
            "/v1/check/register",
            params={"lang": "en"},
            files={"file": (name, b"\x00" * 64, "application/octet-stream")},
        )
        assert answer.status_code in (400, 415, 422), answer.text
        detail = answer.json()["detail"]
        assert "the register type is not known" in detail and ".xlsx" in detail, detail
        assert ".gpkg" not in detail and ".shp" not in detail, detail
