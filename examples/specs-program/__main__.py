"""The spec catalogue in ../specs as a Pulumi program: one line does the work.

Every model, policy and connection spec file becomes a resource with a stable name (its spec
name: ``virtual-model/openai/gpt-4o`` -> ``openai-gpt-4o``; a connection's app_id); a policy's
targets that are declared there are wired to those Model resources, so models are created
first, and a model's ``app_id`` to that Connection, so the connection is created first.

Per-stack differences live in stack config, not in the spec files (docs/guide/specs.md):
  Pulumi.dev.yaml / Pulumi.prod.yaml   ``wxo-specs:overrides`` (spec name -> fields to change)
  pulumi config set --path 'wxo-specs:overrides["virtual-model/openai/gpt-4o"].config.max_tokens' 256

Secrets referenced as ``${secret:NAME}`` in the specs are read from this stack's config:
  pulumi config set --secret watsonxKey <key>
  pulumi config set --secret openaiKey sk-...
  pulumi config set --secret azureKey <key>
  pulumi config set --secret anthropicKey <key>   (the anthropic-credentials connection)

Connection settings (``wxo:url``, ``wxo:apiKey`` or ``wxo:token``) come from stack config or
the WXO_* environment variables, as for every pulumi-wxo program.
"""

from pathlib import Path

import pulumi

import pulumi_wxo as wxo

SPECS = Path(__file__).resolve().parent.parent / "specs"

resources = wxo.declare(SPECS / "*.yaml")

pulumi.export("resources", sorted(resources))
