// A watsonx Orchestrate model and a routing policy that sends its traffic to it, on the native
// plugin pulumi-resource-wxo. Stack settings: wxo:url and wxo:token (or wxo:apiKey) say which
// instance; the secret openaiKey is the model's key.
//
// Hundreds of models or more in one stack: `PULUMI_SKIP_CHECKPOINTS=true pulumi up --yes
// --parallel 32` is the fastest way to run them, and a killed run stays recoverable. See
// "Large catalogues" in the pulumi-wxo guide (docs/guide/large-catalogues.md).
import * as pulumi from "@pulumi/pulumi";
import * as wxo from "@pulumi-wxo/wxo";

const cfg = new pulumi.Config();

const gpt = new wxo.Model("gpt", {
    name: "openai/gpt-4o-mini",
    display_name: "GPT-4o mini",
    tags: ["${PROJECT}"],
    provider_config: { api_key: cfg.requireSecret("openaiKey") },
    config: { max_tokens: 1024 },
});

const router = new wxo.ModelPolicy("router", {
    name: "${PROJECT}-router",
    strategy: { mode: "single" },
    targets: [{ model_name: gpt.name }],
    // The targets this program declares: a preview of a new stack then accepts a target that
    // is not on the instance yet.
    declared_models: [gpt.name],
});

export const model_id = gpt.model_id;
export const model_name = gpt.name;
export const policy_id = router.policy_id;
