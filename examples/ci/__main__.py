"""Every spec file in specs/ as a resource (docs/guide/specs.md); per-stack differences live in
Pulumi.<stack>.yaml (``wxo-specs:overrides``). Connection settings: ``wxo:url`` in the stack
file, the API key from the environment (``WXO_API_KEY``, set by CI from its secret store).
"""

from pathlib import Path

import pulumi

import pulumi_wxo as wxo

resources = wxo.declare(Path(__file__).resolve().parent / "specs")

pulumi.export("resources", sorted(resources))
