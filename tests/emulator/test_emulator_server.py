"""Running the emulator (emulator/__main__.py, emulator/server.py) and what it may import."""

from __future__ import annotations

import ast
import os
import re
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import pulumi_wxo.emulator as package
from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread, Switches, TLSFiles, check_bind, serve
from pulumi_wxo.emulator.__main__ import CONTROL_TOKEN_ENV, build_parser, main, settings_from_args

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# Command line


def test_parser_maps_every_option_to_settings() -> None:
    args = build_parser().parse_args(
        [
            "--db", "x.db", "--token", "tok", "--token-ttl", "60", "--api-key", "k1", "--api-key", "k2",
            "--duplicates", "reject", "--create-response", "id", "--secrets", "mask", "--empty-list", "404",
            "--mcsp-v1", "off", "--username", "u", "--password", "p", "--tenant-id", "tid",
        ]
    )  # fmt: skip
    assert settings_from_args(args) == EmulatorSettings(
        db="x.db",
        token="tok",
        api_keys=("k1", "k2"),
        username="u",
        password="p",
        tenant_id="tid",
        switches=Switches(
            token_ttl=60,
            duplicates="reject",
            create_response="id",
            secrets="mask",
            empty_list="404",
            mcsp_v1="off",
        ),
    )
    assert settings_from_args(build_parser().parse_args([])) == EmulatorSettings()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--secrets", "sometimes"])


def test_python_dash_m_prints_where_it_listens(tmp_path: Any) -> None:
    command = [
        sys.executable, "-m", "pulumi_wxo.emulator", "--port", "0", "--db", str(tmp_path / "cli.db"),
        "--token", "cli-token",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(
                r"wxO emulator listening on (http://127\.0\.0\.1:\d+) \(db: .*cli\.db\)\n", line
            )
            assert match, line
            response = httpx.get(f"{match.group(1)}/v1/models", headers={"Authorization": "Bearer cli-token"})
            assert (response.status_code, response.json()) == (200, [])
        finally:
            process.terminate()
            process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# Exposure: loopback unless --allow-remote, and then a control token


def test_exposure_flags_map_onto_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["--host", "0.0.0.0", "--allow-remote", "--control-token", "ct", "--allowed-host", "wxo"]
    settings = settings_from_args(build_parser().parse_args([*argv, "--allowed-host", "b"]))
    assert (settings.allow_remote, settings.control_token) == (True, "ct")
    assert settings.allowed_hosts == ("wxo", "b")
    monkeypatch.setenv(CONTROL_TOKEN_ENV, "from-env")  # kept out of `ps`
    assert settings_from_args(build_parser().parse_args([])).control_token == "from-env"
    monkeypatch.setenv(CONTROL_TOKEN_ENV, "")
    assert settings_from_args(build_parser().parse_args([])) == EmulatorSettings()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "10.0.0.7", "emulator.internal"])
def test_a_non_loopback_bind_needs_allow_remote(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--host", host, "--port", "0"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "is not loopback" in err and "--allow-remote with --control-token" in err
    with pytest.raises(ValueError, match="is not loopback"):
        EmulatorThread(EmulatorSettings(), host=host)
    with pytest.raises(ValueError, match="is not loopback"):
        serve(host, 0, EmulatorSettings())
    check_bind(host, EmulatorSettings(allow_remote=True, control_token="ct"))  # meant: allowed


def test_allow_remote_needs_a_control_token(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--host", "0.0.0.0", "--allow-remote", "--port", "0"])
    assert info.value.code == 2
    assert "--allow-remote) needs a control_token (--control-token" in capsys.readouterr().err
    with pytest.raises(ValueError, match="needs a control_token"):
        EmulatorSettings(allow_remote=True)
    with pytest.raises(ValueError, match="must not be empty"):
        EmulatorSettings(control_token=" ")
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_bind(host, EmulatorSettings())


def test_bound_to_every_interface_it_warns_and_guards_the_control_api(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "pulumi_wxo.emulator", "--host", "0.0.0.0", "--allow-remote", "--port", "0",
        "--db", str(tmp_path / "remote.db"), "--token", "remote-token",
    ]  # fmt: skip
    env = {**os.environ, CONTROL_TOKEN_ENV: "remote-control-token"}
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, env=env, **pipes) as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            line = process.stdout.readline()
            match = re.fullmatch(r"wxO emulator listening on (http://127\.0\.0\.1:\d+) \(db: .*\)\n", line)
            assert match, line
            assert process.stderr.readline() == (
                "warning: bound to 0.0.0.0, reachable from other machines; the control API needs the "
                "control token, the API its --token or a minted token\n"
            )
            url = match.group(1)
            assert httpx.get(f"{url}/_emulator/state").status_code == 401
            control = {"Authorization": "Bearer remote-control-token"}
            state = httpx.get(f"{url}/_emulator/state", headers=control)
            assert (state.status_code, state.json()["models"]) == (200, [])
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_thread_on_every_interface_is_reached_on_loopback() -> None:
    settings = EmulatorSettings(token="t", allow_remote=True, control_token="ct")
    with EmulatorThread(settings, host="0.0.0.0") as emu:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emu.url)
        assert emu.control.health()["status"] == "ok"  # with the control token


# ---------------------------------------------------------------------------------------------
# Package boundary (docs/dev/layout.md: written from the contract only)


def test_emulator_imports_nothing_from_the_provider() -> None:
    """The emulator is written from the contract only (docs/dev/layout.md): it imports no provider code."""
    offenders = []
    for source in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
                if node.level > 1:
                    offenders.append(f"{source.name}: relative import beyond the package")
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offenders += [
                f"{source.name}: {name}"
                for name in names
                if name.startswith("pulumi_wxo") and not name.startswith("pulumi_wxo.emulator")
            ]
    assert offenders == []


# ---------------------------------------------------------------------------------------------
# HTTPS and extra ports, for the ADK CLI (docs/guide/emulator.md, api-contract §7.3, §12.4)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    import trustme

    folder = tmp_path_factory.mktemp("certs")
    ca = trustme.CA()
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(folder / "server.pem")
    ca.cert_pem.write_to_path(folder / "ca.pem")
    return TLSFiles(str(folder / "server.pem"), str(folder / "server.pem"), str(folder / "ca.pem"))


def test_a_thread_serves_https_with_tls_files(certificate: TLSFiles) -> None:
    with EmulatorThread(EmulatorSettings(token="t"), tls=certificate) as emu:
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", emu.url)
        assert emu.control.health()["status"] == "ok"  # the control client trusts the CA
        context = ssl.create_default_context(cafile=certificate.cafile)
        response = httpx.get(f"{emu.url}/v1/models", headers={"Authorization": "Bearer t"}, verify=context)
        assert (response.status_code, response.json()) == (200, [])
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{emu.url}/v1/models")  # not trusted without the CA


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_also_port_serves_the_same_emulator_and_tls_flags(tmp_path: Path, certificate: TLSFiles) -> None:
    extra = _free_port()
    command = [
        sys.executable, "-m", "pulumi_wxo.emulator", "--port", "0", "--also-port", str(extra),
        "--db", str(tmp_path / "e.db"), "--token", "t", "--tls-cert", certificate.certfile,
        "--tls-key", certificate.keyfile,
    ]  # fmt: skip
    context = ssl.create_default_context(cafile=certificate.cafile)
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            match = re.search(r"listening on (https://127\.0\.0\.1:\d+)", process.stdout.readline())
            assert match
            headers = {"Authorization": "Bearer t"}
            created = httpx.post(
                f"{match.group(1)}/v1/models", json={"name": "openai/x"}, headers=headers, verify=context
            )
            assert created.status_code == 201
            seen = httpx.get(f"https://127.0.0.1:{extra}/v1/models", headers=headers, verify=context).json()
            assert [m["id"] for m in seen] == [created.json()["id"]]  # one store behind both ports
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_busy_also_port_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--port", "0", "--also-port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "Address already in use" in err and "Traceback" not in err


def test_tls_cert_and_key_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--tls-cert", "server.pem"])
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
