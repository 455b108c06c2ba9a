"""specs.certs: ``provider_config.server_cert_file`` reads a PEM file next to the spec (or under
``base_dir``) and nothing else: no absolute path, no ``..`` or symlink leading out, regular
files of at most 64 KiB holding certificates only, never the file's text in a message."""

from __future__ import annotations

import base64
import os
import textwrap
from pathlib import Path

import pytest

from pulumi_wxo.schema import ModelSpec
from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import write

pytestmark = pytest.mark.unit

SECRET = "sk-sibling-secret-93c1f0"
FIELD = "provider_config.server_cert_file"


def pem(seed: int = 1, size: int = 300) -> str:
    """A PEM block of DER-shaped bytes (an ASN.1 SEQUENCE), wrapped at 64 columns."""
    der = b"\x30\x82" + bytes((seed + i) % 256 for i in range(size))
    b64 = base64.b64encode(der).decode()
    return (
        "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(b64, 64)) + "\n-----END CERTIFICATE-----\n"
    )


def spec_with(folder: Path, cert_file: str, name: str = "m.yaml") -> Path:
    return write(
        folder,
        name,
        f"""
        spec_version: v1
        name: openai/gpt-4o
        provider_config:
          api_key: ${{secret:k}}
          server_cert_file: {cert_file}
        """,
    )


def only_problem(path: Path, **kw: object) -> str:
    specs, problems = read_specs(path, **kw)  # type: ignore[arg-type]
    assert specs == []
    [problem] = problems
    assert (problem.file, problem.line, problem.field) == (str(path), 5, FIELD)
    text = str(problem)
    assert SECRET not in text and "BEGIN" not in text.replace("-----BEGIN CERTIFICATE----- block", "")
    return problem.message


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """specs/ beside a secret file, a certificate outside specs/, and a .env inside it."""
    (tmp_path / "secret.txt").write_text(f"WXO_API_KEY={SECRET}\n")
    (tmp_path / "outside.pem").write_text(pem())
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    return specs


@pytest.mark.parametrize(
    ("cert_file", "words"),
    [
        ("/proc/self/environ", "not an absolute one"),
        ("/etc/passwd", "not an absolute one"),
        ("../../../../etc/passwd", "leads outside the spec's folder (through ..)"),
        ("../secret.txt", "leads outside the spec's folder (through ..)"),
        ("../outside.pem", "leads outside the spec's folder (through ..)"),  # a real PEM, still outside
        ("link.pem", "leads outside the spec's folder (through a symlink)"),
        ("'~/.ssh/id_rsa'", "not an absolute one"),
    ],
)
def test_a_path_leading_out_of_the_spec_folder_is_refused(tree: Path, cert_file: str, words: str) -> None:
    (tree / "link.pem").symlink_to(tree.parent / "secret.txt")
    message = only_problem(spec_with(tree, cert_file))
    assert words in message
    assert "pass --base-dir / base_dir=" in message


@pytest.mark.timeout(10)  # a guard: a FIFO opened for reading would block for ever
def test_only_a_small_regular_file_of_certificates_is_read(tree: Path) -> None:
    os.mkfifo(tree / "fifo.pem")
    (tree / "big.pem").write_text(pem() * 300)  # > 64 KiB
    (tree / "key.pem").write_text(pem() + "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")
    (tree / "garbage.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
    (tree / "wrapped.pem").write_text(f"-----BEGIN CERTIFICATE-----\n{SECRET}\n-----END CERTIFICATE-----\n")
    (tree / "binary.pem").write_bytes(b"\xff\xfe" + SECRET.encode())
    (tree / "sub").mkdir()
    cases = {
        ".env": "is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)",
        "fifo.pem": "fifo.pem is a FIFO (named pipe), not a regular file; not read",
        "big.pem": "big.pem is larger than 64 KiB, the limit for a certificate file",
        "key.pem": "holds a PRIVATE KEY block; server_cert_file must name a PEM file of certificates only",
        "garbage.pem": "holds a CERTIFICATE block that is not base64 of a DER certificate",
        "wrapped.pem": "holds a CERTIFICATE block that is not base64 of a DER certificate",
        "binary.pem": "is not a PEM certificate file (not text)",
        "sub": "sub is a directory, not a regular file; not read",
        "missing.pem": f"cannot read {tree / 'missing.pem'}: No such file or directory",
        "''": "is empty; write the path of a PEM file next to the spec",
    }
    for cert_file, words in cases.items():
        message = only_problem(spec_with(tree, cert_file))
        assert words in message, (cert_file, message)
    message = only_problem(spec_with(tree, "[a, b]"))
    assert message == "must be a path (text) relative to the spec file"


def test_a_certificate_in_the_folder_is_read_and_only_its_blocks_are_kept(tree: Path) -> None:
    # openssl's explanatory text around the blocks is dropped; the blocks are re-encoded.
    (tree / "certs").mkdir()
    (tree / "certs" / "ca.pem").write_text(
        f"subject=CN = gateway\n{pem(1)}\nnote: {SECRET}\n{pem(2).replace(chr(10), chr(13) + chr(10))}"
    )
    (tree / "certs" / "link.pem").symlink_to("ca.pem")  # a symlink that stays inside is fine
    for cert_file in ("certs/ca.pem", "./certs/../certs/link.pem"):
        specs, problems = read_specs(spec_with(tree, cert_file))
        assert problems == []
        spec = specs[0].spec
        assert isinstance(spec, ModelSpec) and spec.provider_config is not None
        assert spec.provider_config.server_cert == pem(1) + pem(2)
        assert SECRET not in spec.provider_config.server_cert


def test_base_dir_widens_where_a_certificate_may_be(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_text(pem())
    (tmp_path / "secret.txt").write_text(SECRET)
    spec = spec_with(tmp_path / "models", "../certs/ca.pem")
    assert "leads outside the spec's folder" in only_problem(spec)
    specs, problems = read_specs(spec, base_dir=tmp_path)
    assert problems == [] and specs[0].data["provider_config"]["server_cert"] == pem()
    # The base directory bounds it in turn; a relative path is still taken from the spec.
    message = only_problem(spec_with(tmp_path / "models", "../../secret.txt"), base_dir=tmp_path / "certs")
    assert (
        message == "leads outside the base directory (through ..); put the certificate in the base directory"
    )
    assert "--base-dir" not in message
