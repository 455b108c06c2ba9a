"""specs.load: every problem class in tests/data/broken-specs with file, line and field,
``load_specs`` raising every error and logging warnings, and properties of reading any text
or bytes at all (hypothesis): problems with a line, no exception, no secret in a message."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_wxo.cli import main
from pulumi_wxo.specs import Problem, SpecError, load_specs, read_specs
from tests.unit.specs.support import BROKEN, DATA, EXAMPLES

pytestmark = pytest.mark.unit

# (file, line, field, words in the message, severity) for every problem in broken-specs/
BROKEN_EXPECTED = [
    ("alias-bomb.yaml", 13, "config.f[0]", "expands to more than 100,000 nodes", "error"),
    ("app-id-both.yaml", 5, "app_id", "and connection_id both name the model's connection", "error"),
    # app_id: the connection holds the credentials, so no api_key is missing.
    ("app-id.yaml", 5, "app_id", "'watsonx_credentials' is not declared here", "warning"),
    ("cert-file.yaml", 6, "provider_config.server_cert_file", "not an absolute one", "error"),
    ("cert-file.yaml", 12, "provider_config.server_cert_file", "leads outside the spec's folder", "error"),
    (
        "connection-literal.yaml",
        9,
        "environments.draft.credentials.api_key",
        "${secret:openaiPlatformApiKey}",
        "error",
    ),
    (
        "connection-no-env.yaml",
        1,
        "environments",
        "is required: environments.draft, environments.live",
        "error",
    ),
    ("connection-shape.yaml", 5, "type", "belongs in an environment block", "error"),
    ("connection-shape.yaml", 9, "environments.draft.server_url", "resolved in credentials only", "error"),
    ("connection-shape.yaml", 12, "environments.staging.[key]", "Input should be 'draft' or 'live'", "error"),
    ("deep.json", 6, "", "nested more than 64 levels deep", "error"),
    ("duplicates.yaml", 8, "config.max_tokens", "duplicate key (also on line 7)", "error"),
    ("huge-number.json", 6, "config.max_tokens", "a number of 5,000 characters is too long", "error"),
    ("kinds.yaml", 2, "kind", "'agent' is not a spec kind", "error"),
    ("kinds.yaml", 5, "", "a spec must be a mapping", "error"),
    ("kinds.yaml", 6, "", "a spec must be a mapping", "error"),
    ("kinds.yaml", 8, "spec_version", "'v2' is not supported", "error"),
    ("multi.yaml", 4, "name", "declared twice (also in {BROKEN}/duplicates.yaml:3)", "error"),
    ("multi.yaml", 10, "spec_version", "is required", "error"),
    ("multi.yaml", 17, "name", "unknown provider 'openia'", "error"),
    ("multi.yaml", 19, "config.temperature", "less than or equal to 2", "error"),
    ("multi.yaml", 20, "config.max_tokens", "greater than 0", "error"),
    ("nested.yaml", 14, "targets[1].targets[1].weight", "greater than 0", "error"),
    ("odd-key.yaml", 7, "config.\u00b2", "unknown field", "error"),
    ("policy.json", 7, "targets", "a fallback needs at least two targets (got 1)", "error"),
    ("recursive-alias.yaml", 7, "config.nested", "a recursive alias", "error"),
    ("references.yaml", 4, "display_name", "resolved in provider_config only", "error"),
    ("references.yaml", 6, "provider_config.api_key", "malformed secret reference", "error"),
    ("secret-literal.yaml", 6, "provider_config.api_key", "${secret:openaiApiKey}", "error"),
    ("syntax.yaml", 4, "", "invalid YAML: did not find expected ','", "error"),
    ("undeclared-target.yaml", 8, "targets[1].model_name", "not declared here", "warning"),
    ("unknown-field.yaml", 4, "display_nmae", "did you mean 'display_name'", "error"),
    ("unknown-field.yaml", 7, "provider_config.api_kye", "did you mean 'api_key'", "error"),
]


def not_adk(problems: list[Problem]) -> list[Problem]:
    """Without the ADK's rules (tests/unit/specs/test_adk.py checks those)."""
    return [p for p in problems if not p.message.startswith("the ADK ")]


def test_every_problem_in_broken_specs_has_file_line_and_field() -> None:
    _, problems = read_specs(BROKEN)
    problems = not_adk(problems)
    got = [(Path(p.file).name, p.line, p.field, p.severity) for p in problems]
    assert got == [(f, line, field, sev) for f, line, field, _, sev in BROKEN_EXPECTED]
    for p, (_, _, _, words, _) in zip(problems, BROKEN_EXPECTED, strict=True):
        assert words.replace("{BROKEN}", str(BROKEN)) in p.message, p
    # The literal key is reported by field, never repeated.
    assert not [p for p in problems if "LITERAL" in str(p)]


def test_load_specs_raises_every_error_and_logs_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(SpecError) as info:
        load_specs(BROKEN)
    assert len(info.value.problems) == sum(1 for e in BROKEN_EXPECTED if e[4] == "error")
    assert str(info.value).startswith("31 problems in spec files:\n  ")
    caplog.set_level(logging.WARNING, logger="pulumi_wxo")
    specs = load_specs(BROKEN / "undeclared-target.yaml")
    assert [s.name for s in specs] == ["virtual-policy/balanced"]
    assert "not declared here; make sure it exists on the server" in caplog.text


# Property-based: whatever a pull request puts in a spec file, reading it ends in problems
# that name a file and line, never in an exception, and never repeats a secret that sits in
# the environment or in a file beside the spec. Derandomized and without a database, so CI
# runs the same examples every time; examples and time per example are bounded.
SECRET = "sk-property-secret-4b7d19e2"
PROPERTY = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SAMPLES = sorted(
    p
    for root in (EXAMPLES, DATA / "specs-good", DATA / "broken-specs", DATA / "adk-export")
    for p in root.rglob("*")
    if p.suffix in (".yaml", ".yml", ".json") and not p.name.endswith(".schema.json")
)
# What a hostile edit would insert: YAML structure, aliases, odd numbers and characters,
# and server_cert_file values that point at the secrets planted around the spec.
TOKENS = [
    "&a ", "*a", "*b", "<<: *a", "[", "]", "{", "}", ": ", "- ", "\n  ", "\t", "\x00", "\ufeff",
    "\u00b2", "!!python/object:os.system", "!!binary", "? ", "9" * 120, "0x" + "f" * 120, "'", '"',
    "\\u0000", "${secret:", "${secret:k}", "---\n", "...\n", "%YAML 1.1\n",
    "\nprovider_config:\n  server_cert_file: ", "../secret.txt", "/proc/self/environ", ".env",
    "link.pem", "../../../../etc/passwd", "certs/key.pem",
]  # fmt: skip
CERT_PATHS = ["../secret.txt", "/proc/self/environ", ".env", "link.pem", "certs/key.pem", "fifo.pem", "."]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A spec folder with the secret beside it, under it, behind a symlink and in the environment."""
    root = tmp_path_factory.mktemp("planted")
    (root / "secret.txt").write_text(f"WXO_API_KEY={SECRET}\n")
    specs = root / "specs"
    (specs / "certs").mkdir(parents=True)
    (specs / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    (specs / "certs" / "key.pem").write_text(
        f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----\n"
    )
    (specs / "link.pem").symlink_to(root / "secret.txt")
    os.mkfifo(specs / "fifo.pem")
    saved = os.environ.get("WXO_API_KEY")
    os.environ["WXO_API_KEY"] = SECRET
    yield specs
    if saved is None:
        del os.environ["WXO_API_KEY"]
    else:
        os.environ["WXO_API_KEY"] = saved


def check_reading(folder: Path, name: str, data: bytes) -> None:
    """read_specs and `pulumi-wxo validate` on one file: problems with lines, no secret."""
    path = folder / name
    path.write_bytes(data)
    specs, problems = read_specs(path)
    for p in problems:
        assert p.file == str(path) and p.line is not None and p.line >= 1, p
        assert SECRET not in str(p) and str(p).isprintable()
    for s in specs:
        assert SECRET not in repr(s.spec) and SECRET not in repr(s.data)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["validate", str(path)])
    assert code == (1 if any(p.is_error for p in problems) else 0)
    assert SECRET not in out.getvalue() + err.getvalue()
    assert out.getvalue().splitlines() == [str(p) for p in problems]


@st.composite
def mutated_sample(draw: st.DrawFn) -> tuple[str, bytes]:
    sample = draw(st.sampled_from(SAMPLES))
    text = sample.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=8)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            end = min(len(text), at + draw(st.integers(1, 80)))
            text = text[:at] + text[at:end] * draw(st.integers(2, 9)) + text[end:]
    return sample.suffix, text.encode("utf-8", "surrogatepass")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def generated_spec(draw: st.DrawFn) -> dict[str, object]:
    doc: dict[str, object] = {
        "spec_version": draw(st.sampled_from(["v1", "v2", 1])),
        "name": draw(st.text(max_size=30)),
    }
    if draw(st.booleans()):
        doc["name"] = draw(st.sampled_from(["openai/gpt-4o", "virtual-policy/p", "watsonx/ibm/granite"]))
    pc = draw(
        st.dictionaries(st.sampled_from(["api_key", "custom_host", "apiKey", "x"]), JSONISH, max_size=3)
    )
    pc["server_cert_file"] = draw(st.sampled_from(CERT_PATHS) | JSONISH)
    doc["provider_config"] = pc
    doc.update(
        draw(
            st.dictionaries(
                st.sampled_from(["config", "policy", "targets", "strategy", "kind", "tags"]), JSONISH
            )
        )
    )
    return doc


@PROPERTY
@given(sample=mutated_sample())
def test_mutated_real_specs_end_in_problems_not_exceptions(planted: Path, sample: tuple[str, bytes]) -> None:
    suffix, data = sample
    check_reading(planted, f"mutated{suffix}", data)


@PROPERTY
@given(doc=generated_spec(), as_json=st.booleans())
def test_generated_yaml_and_json_end_in_problems_not_exceptions(
    planted: Path, doc: dict[str, object], as_json: bool
) -> None:
    if as_json:
        check_reading(planted, "generated.json", json.dumps(doc).encode())
    else:
        check_reading(planted, "generated.yaml", yaml.safe_dump(doc, allow_unicode=True).encode())


@PROPERTY
@given(
    text=st.lists(st.sampled_from(TOKENS) | st.characters(), max_size=30).map("".join),
    suffix=st.sampled_from(["yaml", "json"]),
)
def test_token_soup_ends_in_problems_not_exceptions(planted: Path, text: str, suffix: str) -> None:
    check_reading(planted, f"soup.{suffix}", text.encode("utf-8", "surrogatepass"))


@PROPERTY
@given(data=st.binary(max_size=400), suffix=st.sampled_from(["yaml", "json"]))
def test_raw_bytes_end_in_problems_not_exceptions(planted: Path, data: bytes, suffix: str) -> None:
    check_reading(planted, f"raw.{suffix}", data)


@PROPERTY
@given(sample=mutated_sample())
def test_mutated_overrides_files_end_in_problems_not_exceptions(
    planted: Path, sample: tuple[str, bytes]
) -> None:
    from pulumi_wxo.specs.overrides import read_overrides_file

    path = planted / "Pulumi.pr.yaml"
    path.write_bytes(sample[1])
    got = read_overrides_file(str(path))
    assert isinstance(got, tuple)
    for p in got[1]:
        assert p.file == str(path) and p.line is not None and SECRET not in str(p)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["validate", str(EXAMPLES), "--overrides", str(path)])
    assert code in (0, 1) and SECRET not in out.getvalue() + err.getvalue()
