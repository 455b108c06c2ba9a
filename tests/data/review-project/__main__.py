"""Two states of one catalogue, chosen by the stack's `step` config, on the host chosen by `host`.

`base`: three models and a load-balancing policy over two of them. `change`: gpt's display name,
config and api key change (an update with a secret rotation), mini is renamed (a replace that
the policy routes to), old is removed (a delete), existing is adopted from the server, fresh is
created, and the policy's weights move from 0.5/0.5 to 0.7/0.3.
"""

import pulumi

config = pulumi.Config()
if config.require("host") == "native":
    import pulumi_wxo.native as wxo
else:
    import pulumi_wxo as wxo

changed = config.require("step") == "change"
OLLAMA = {"custom_host": "http://ollama:11434"}

gpt = wxo.Model(
    "gpt",
    name="openai/gpt",
    display_name="GPT v2" if changed else "GPT",
    provider_config={
        "api_key": "sk-review-ROTATED-2222" if changed else "sk-review-ORIGINAL-1111",
        "custom_host": "https://llm.example",
    },
    config={"max_tokens": 1024 if changed else 512},
    tags=["team-a"],
)
mini = wxo.Model("mini", name="ollama/mini-2" if changed else "ollama/mini", provider_config=OLLAMA)
if changed:
    wxo.Model(
        "existing", name="ollama/existing", adopt=True, description="made by hand", provider_config=OLLAMA
    )
    wxo.Model("fresh", name="ollama/fresh", provider_config=OLLAMA)
else:
    wxo.Model("old", name="ollama/old", provider_config=OLLAMA)
wxo.ModelPolicy(
    "route",
    name="route",
    strategy="loadbalance",
    targets=[
        {"model": gpt, "weight": 0.7 if changed else 0.5},
        {"model": mini, "weight": 0.3 if changed else 0.5},
    ],
)
