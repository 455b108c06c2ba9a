// An inline Automation-API program in Go on the generated Go SDK (github.com/pulumi-wxo/pulumi-wxo/sdk/go,
// reached through a `replace` directive to the output of scripts/sdks.sh) and the native plugin.
// tests/e2e/test_sdks_engine.py builds it and runs one step per invocation, so that it can look
// at the emulator between steps:
//
//	go-automation up|preview|destroy
//
// Each step prints one JSON line on stdout: {"step": ..., "outputs": ..., "changes": ...}.
// The engine's own output goes to stderr. The environment gives the CLI (PULUMI_WXO_CLI_DIR), the
// file backend and passphrase (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE) and the emulator
// (WXO_E2E_URL, WXO_E2E_TOKEN); the model's key (WXO_E2E_WATSONX_KEY) becomes secret stack config.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-wxo/pulumi-wxo/sdk/go/wxo"
)

const (
	project = "wxo-go"
	stack   = "go"
)

func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	granite, err := wxo.NewModel(ctx, "granite", &wxo.ModelArgs{
		Name:         pulumi.String("watsonx/ibm/granite-3-3-8b-instruct"),
		Display_name: pulumi.String("Granite from Go"),
		Tags:         pulumi.StringArray{pulumi.String("go"), pulumi.String("e2e")},
		Provider_config: &wxo.ProviderConfigArgs{
			Watsonx_space_id: pulumi.String(cfg.Require("spaceId")),
			Api_key:          cfg.RequireSecret("watsonxKey"),
		},
	})
	if err != nil {
		return err
	}
	router, err := wxo.NewModelPolicy(ctx, "router", &wxo.ModelPolicyArgs{
		Name:            pulumi.String("go-router"),
		Strategy:        &wxo.PolicyStrategyArgs{Mode: pulumi.String("single")},
		Targets:         wxo.PolicyTargetArray{&wxo.PolicyTargetArgs{Model_name: granite.Name}},
		Declared_models: pulumi.StringArray{granite.Name},
	})
	if err != nil {
		return err
	}
	ctx.Export("modelId", granite.Model_id)
	ctx.Export("modelName", granite.Name)
	ctx.Export("policyId", router.Policy_id)
	return nil
}

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fail(fmt.Errorf("%s is not set", name))
	}
	return v
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "go-automation: %v\n", err)
	os.Exit(1)
}

func emit(v map[string]any) {
	if err := json.NewEncoder(os.Stdout).Encode(v); err != nil {
		fail(err)
	}
}

func main() {
	if len(os.Args) != 2 {
		fail(fmt.Errorf("usage: go-automation up|preview|destroy"))
	}
	ctx := context.Background()
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:             filepath.Dir(env("PULUMI_WXO_CLI_DIR")),
		SkipVersionCheck: true,
	})
	if err != nil {
		fail(err)
	}
	proj := workspace.Project{Name: project, Runtime: workspace.NewProjectRuntimeInfo("go", nil)}
	s, err := auto.UpsertStackInlineSource(ctx, stack, project, program,
		auto.Pulumi(cli), auto.Project(proj), auto.WorkDir(env("WXO_E2E_WORK_DIR")))
	if err != nil {
		fail(err)
	}
	err = s.SetAllConfig(ctx, auto.ConfigMap{
		"wxo:url":    {Value: env("WXO_E2E_URL")},
		"wxo:token":  {Value: env("WXO_E2E_TOKEN"), Secret: true},
		"spaceId":    {Value: "5f0c3a52-0d3e-4c1e-9d7a-00000000de01"},
		"watsonxKey": {Value: env("WXO_E2E_WATSONX_KEY"), Secret: true},
	})
	if err != nil {
		fail(err)
	}
	switch step := os.Args[1]; step {
	case "up":
		res, err := s.Up(ctx, optup.ErrorProgressStreams(os.Stderr), optup.ProgressStreams(os.Stderr))
		if err != nil {
			fail(err)
		}
		outputs := map[string]any{}
		for k, v := range res.Outputs {
			outputs[k] = map[string]any{"value": v.Value, "secret": v.Secret}
		}
		emit(map[string]any{"step": step, "outputs": outputs, "changes": res.Summary.ResourceChanges})
	case "preview":
		res, err := s.Preview(ctx, optpreview.ErrorProgressStreams(os.Stderr), optpreview.ProgressStreams(os.Stderr))
		if err != nil {
			fail(err)
		}
		emit(map[string]any{"step": step, "changes": res.ChangeSummary})
	case "destroy":
		res, err := s.Destroy(ctx, optdestroy.ErrorProgressStreams(os.Stderr), optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			fail(err)
		}
		emit(map[string]any{"step": step, "changes": res.Summary.ResourceChanges})
	default:
		fail(fmt.Errorf("unknown step %q", step))
	}
}
