"""specs.namespaces: which stack config namespaces a ``${secret:NS:NAME}`` may read.

A spec file comes in a pull request; the stack's config also holds the provider's own token
(``wxo:token``) and other providers' credentials. A reference to them is an error at its line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.specs import read_specs
from pulumi_wxo.specs.namespaces import parse_allowed
from tests.unit.specs.support import EXFIL, write

pytestmark = pytest.mark.unit


def errors(path: Path, **kw: object) -> list[str]:
    _, problems = read_specs(path, **kw)  # type: ignore[arg-type]
    return [str(p) for p in problems if p.is_error]


@pytest.mark.parametrize("key", ["wxo:token", "wxo:apiKey", "WXO:token", "wxo-specs:overrides"])
def test_the_providers_own_config_is_never_readable(tmp_path: Path, key: str) -> None:
    spec = write(tmp_path, "exfil.yaml", EXFIL.format(key=key))
    ns, name = key.split(":")
    expected = (
        f"{spec}:6: provider_config.api_key: '{ns}' is the provider's own configuration (its "
        f"credentials); a spec file cannot read it. Store the value in the project's namespace "
        f"with `pulumi config set --secret {name} <value>` and write ${{secret:{name}}}"
    )
    assert errors(spec) == [expected]
    # Not even when a stack lists it.
    assert errors(spec, secret_namespaces=[ns, "wxo", "wxo-specs"]) == [expected]


def test_another_namespace_only_when_the_stack_allows_it(tmp_path: Path) -> None:
    spec = write(tmp_path, "aws.yaml", EXFIL.format(key="aws:secretKey"))
    assert errors(spec) == [
        f"{spec}:6: provider_config.api_key: reads the stack config namespace 'aws', which this "
        "stack does not allow for spec files; write ${secret:secretKey} (the project's own "
        "namespace), or allow 'aws' with `pulumi config set --path 'wxo-specs:secretNamespaces[0]' "
        "aws` (`pulumi-wxo validate --secret-namespace aws` offline)"
    ]
    assert errors(spec, secret_namespaces=["team"]) != []
    [ok], problems = read_specs(spec, secret_namespaces=["aws"])
    assert problems == [] and [r.key for r in ok.secrets] == ["aws:secretKey"]
    # The project's own namespace needs no listing.
    own = write(tmp_path / "own", "own.yaml", EXFIL.format(key="openaiKey"))
    assert errors(own) == []


def test_an_override_is_held_to_the_same_rule(tmp_path: Path) -> None:
    spec = write(tmp_path, "m.yaml", EXFIL.format(key="openaiKey"))
    overrides = {"openai/exfil": {"provider_config": {"api_key": "${secret:wxo:token}"}}}
    _, problems = read_specs(spec, overrides=overrides, override_source="Pulumi.prod.yaml")
    [problem] = problems
    assert (problem.file, problem.line, problem.field) == (
        'Pulumi.prod.yaml["openai/exfil"]',
        None,
        "provider_config.api_key",
    )
    assert "'wxo' is the provider's own configuration" in problem.message


@pytest.mark.parametrize(
    ("raw", "allowed", "wrong"),
    [
        (None, set(), []),
        (["team", "shared"], {"team", "shared"}, []),
        ('["team", "shared"]', {"team", "shared"}, []),  # structured config reaches a program as JSON
        ("team, shared", {"team", "shared"}, []),
        (["team", "wxo"], {"team"}, ["'wxo' cannot be allowed: it is the provider's own configuration"]),
        ("[team", set(), ["must be a list of namespace names (invalid JSON)"]),
        ({"team": 1}, set(), ["must be a list of namespace names, such as [team, shared]"]),
    ],
)
def test_parse_allowed(raw: object, allowed: set[str], wrong: list[str]) -> None:
    assert parse_allowed(raw) == (frozenset(allowed), wrong)
