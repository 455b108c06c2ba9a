"""What tests/e2e/test_native_import_engine.py makes on the server out of band, declared again.

After `pulumi import` of each object, a preview of this program must be clean, except that
`keyed`'s api_key (a secret the server never returns) is written once by the next `up`.
"""

import pulumi

import pulumi_wxo.native as wxo

plain = wxo.Model(
    "plain",
    name="ollama/imported",
    display_name="Imported",
    description="made by hand",
    tags=["legacy"],
    provider_config={"custom_host": "https://llm.example"},
    config={"max_tokens": 100},
)
keyed = wxo.Model("keyed", name="openai/imported-keyed", provider_config={"api_key": "sk-import-KNOWN-0042"})
wxo.ModelPolicy(
    "route",
    name="imported-route",
    strategy="fallback",
    targets=[{"model": plain}, {"model": keyed}],
)
pulumi.export("plain_id", plain.model_id)
