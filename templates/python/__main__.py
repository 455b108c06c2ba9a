"""A watsonx Orchestrate model and a routing policy that sends its traffic to it.

Stack settings: wxo:url and wxo:token (or wxo:apiKey) say which instance; the secret openaiKey is
the model's key: `pulumi config set --secret openaiKey` reads it from standard input.

Hundreds of models or more in one stack: the python-native template (the native plugin) with
`PULUMI_SKIP_CHECKPOINTS=true pulumi up --yes --parallel 32` is the fastest way to run them, and
a killed run stays recoverable; `--parallel` alone does not speed up this dynamic provider.
See "Large catalogues" in the pulumi-wxo guide (docs/guide/large-catalogues.md).
"""

import pulumi

import pulumi_wxo as wxo

cfg = pulumi.Config()

gpt = wxo.Model(
    "gpt",
    name="openai/gpt-4o-mini",
    display_name="GPT-4o mini",
    tags=["${PROJECT}"],
    provider_config={"api_key": cfg.require_secret("openaiKey")},
    config={"max_tokens": 1024},
)

router = wxo.ModelPolicy(
    "router",
    name="${PROJECT}-router",
    strategy="single",
    targets=[{"model": gpt}],
)

pulumi.export("model_id", gpt.model_id)
pulumi.export("model_name", gpt.name)
pulumi.export("policy_id", router.policy_id)
