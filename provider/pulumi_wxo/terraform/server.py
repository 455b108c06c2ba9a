"""Serve the provider as a go-plugin: the handshake OpenTofu and Terraform expect, over gRPC.

What the launcher checks and reads (hashicorp/go-plugin, which both embed):

* the magic cookie ``TF_PLUGIN_MAGIC_COOKIE`` in the environment (a binary started by hand
  says so and exits instead of waiting for a client that never comes);
* one line on stdout, ``1|6|unix|<socket>|grpc|<certificate>``: the go-plugin protocol,
  plugin protocol 6, where to connect, and (AutoMTLS) this server's certificate, base64 DER
  without padding;
* with ``PLUGIN_CLIENT_CERT`` set (AutoMTLS), the connection is TLS: the server presents a fresh
  self-signed certificate, made in memory and never written to disk, which the client pins. The
  client's own certificate is not checked (see :func:`serve`); the socket lives in a directory
  of mode 0700.

Besides ``tfplugin6.Provider`` it serves ``plugin.GRPCController`` (``Shutdown`` stops the
server). The generated protobuf modules come from the ``tf`` package (docs/dev/terraform.md).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import os
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
#: Threads for requests: above OpenTofu's default parallelism (10).
WORKERS = 16


def protos() -> tuple[Any, Any, Any, Any]:
    """The generated modules: tfplugin6 messages and service, the controller's."""
    from tf.gen import grpc_controller_pb2, grpc_controller_pb2_grpc, tfplugin_pb2, tfplugin_pb2_grpc

    return tfplugin_pb2, tfplugin_pb2_grpc, grpc_controller_pb2, grpc_controller_pb2_grpc


def certificate() -> tuple[bytes, bytes, bytes]:
    """A fresh self-signed server certificate: (PEM key, PEM certificate, DER certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        key_pem,
        cert.public_bytes(serialization.Encoding.PEM),
        cert.public_bytes(serialization.Encoding.DER),
    )


def handshake_line(socket_path: str, cert_der: bytes | None) -> str:
    parts = ["1", "6", "unix", socket_path, "grpc"]
    if cert_der is not None:
        parts.append(base64.b64encode(cert_der).decode().rstrip("="))
    return "|".join(parts)


def serve(environ: dict[str, str] | None = None) -> int:
    """Serve until the client shuts the plugin down; the exit status."""
    import grpc  # type: ignore[import-untyped]  # grpcio ships no stubs

    from pulumi_wxo.terraform.provider import WxoTerraformProvider

    env = dict(os.environ if environ is None else environ)
    if env.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print(
            "terraform-provider-wxo is a plugin for OpenTofu and Terraform, not a command: "
            "they start it themselves (docs/guide/terraform.md).",
            file=sys.stderr,
        )
        return 1
    pb, pb_grpc, controller_pb, controller_grpc = protos()
    done = threading.Event()
    server = grpc.server(ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="wxo-terraform"))
    # The generated base answers UNIMPLEMENTED for what the provider does not serve.
    servicer = type("Servicer", (WxoTerraformProvider, pb_grpc.ProviderServicer), {})(pb)
    pb_grpc.add_ProviderServicer_to_server(servicer, server)

    base: Any = controller_grpc.GRPCControllerServicer

    class Controller(base):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:
            done.set()
            return controller_pb.Empty()

    controller_grpc.add_GRPCControllerServicer_to_server(Controller(), server)
    with tempfile.TemporaryDirectory(prefix="wxo-tf-") as tmp:
        socket_path = str(Path(tmp) / "plugin.sock")
        client_cert = env.get("PLUGIN_CLIENT_CERT")
        cert_der = None
        if client_cert:
            key_pem, cert_pem, cert_der = certificate()
            # The client's certificate is not required: go-plugin signs it with ECDSA P-521, which
            # grpcio's BoringSSL does not offer in its certificate request, so the client would send
            # none. The socket lies in a directory only this user can enter (mode 0700).
            creds = grpc.ssl_server_credentials([(key_pem, cert_pem)], require_client_auth=False)
            server.add_secure_port(f"unix://{socket_path}", creds)
        else:
            server.add_insecure_port(f"unix://{socket_path}")
        server.start()
        print(handshake_line(socket_path, cert_der), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
        server.stop(grace=0.5)
    return 0


def main() -> None:
    """The ``terraform-provider-wxo`` console script."""
    sys.exit(serve())


if __name__ == "__main__":
    main()
