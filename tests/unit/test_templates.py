"""The ``pulumi new`` templates (templates/) as ``pulumi new`` reads them (docs/guide/getting-started.md).

tests/e2e/test_templates_engine.py runs each one; this checks what every one must declare: a
``template:`` section whose prompts ask for the instance URL and a secret token, and nothing that
the CLI built by scripts/pulumi-cli.sh cannot honour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NAMES = ["go", "python", "python-native", "typescript", "yaml"]


def _manifest(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((TEMPLATES / name / "Pulumi.yaml").read_text())
    return loaded


def test_every_language_has_a_template() -> None:
    assert sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_template_prompts_for_the_instance_and_a_secret_token(name: str) -> None:
    manifest = _manifest(name)
    assert manifest["name"] == "${PROJECT}"
    template = manifest["template"]
    assert template["description"]
    config = template["config"]
    assert config["wxo:url"]["description"]
    assert config["wxo:token"]["secret"] is True
    assert "default" not in config["wxo:token"]
    # Every secret the program reads is prompted for as a secret, with no default.
    secrets = [key for key, prompt in config.items() if prompt.get("secret")]
    assert secrets == ["wxo:token", "openaiKey"]


@pytest.mark.parametrize("name", ["python", "python-native"])
def test_python_templates_set_no_virtualenv(name: str) -> None:
    # The legacy language host ignores runtime.options.virtualenv; the program runs with the
    # activated virtualenv's python or PULUMI_PYTHON_CMD, the same under every CLI.
    assert _manifest(name)["runtime"] == "python"
    assert (TEMPLATES / name / "requirements.txt").read_text().split()[-1] == "pulumi-wxo"


def test_yaml_template_names_the_project_through_pulumi_yaml() -> None:
    # `pulumi new` writes ${PROJECT} into a YAML file as a quoted scalar with a line break, which
    # breaks any value it is part of; Pulumi YAML's own ${pulumi.project} does not.
    text = (TEMPLATES / "yaml" / "Pulumi.yaml").read_text()
    assert text.count("${PROJECT}") == 1 and text.startswith("name: ${PROJECT}\n")
    assert "${pulumi.project}-router" in text
