// A watsonx Orchestrate model and a routing policy that sends its traffic to it, on the native
// plugin pulumi-resource-wxo. Stack settings: wxo:url and wxo:token (or wxo:apiKey) say which
// instance; the secret openaiKey is the model's key.
//
// `pulumi up` runs it through the Go language host. `go run . up|preview|destroy` runs the same
// program through the Automation API on the selected stack of this directory, with the Pulumi
// CLI on PATH and no Go language host.
//
// Hundreds of models or more in one stack: `PULUMI_SKIP_CHECKPOINTS=true pulumi up --yes
// --parallel 32` is the fastest way to run them, and a killed run stays recoverable (for
// `go run . up`: the same variable, and optup.Parallel(32) beside the progress streams). See
// "Large catalogues" in the pulumi-wxo guide (docs/guide/large-catalogues.md).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-wxo/pulumi-wxo/sdk/go/wxo"
)

func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	gpt, err := wxo.NewModel(ctx, "gpt", &wxo.ModelArgs{
		Name:            pulumi.String("openai/gpt-4o-mini"),
		Display_name:    pulumi.String("GPT-4o mini"),
		Tags:            pulumi.StringArray{pulumi.String("${PROJECT}")},
		Provider_config: &wxo.ProviderConfigArgs{Api_key: cfg.RequireSecret("openaiKey")},
	})
	if err != nil {
		return err
	}
	router, err := wxo.NewModelPolicy(ctx, "router", &wxo.ModelPolicyArgs{
		Name:     pulumi.String("${PROJECT}-router"),
		Strategy: &wxo.PolicyStrategyArgs{Mode: pulumi.String("single")},
		Targets:  wxo.PolicyTargetArray{&wxo.PolicyTargetArgs{Model_name: gpt.Name}},
		// The targets this program declares: a preview of a new stack then accepts a target
		// that is not on the instance yet.
		Declared_models: pulumi.StringArray{gpt.Name},
	})
	if err != nil {
		return err
	}
	ctx.Export("model_id", gpt.Model_id)
	ctx.Export("model_name", gpt.Name)
	ctx.Export("policy_id", router.Policy_id)
	return nil
}

// automation runs one step of the engine on this directory's selected stack.
func automation(step string) error {
	ctx := context.Background()
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir), auto.Program(program))
	if err != nil {
		return err
	}
	current, err := ws.Stack(ctx)
	if err != nil {
		return err
	}
	if current == nil {
		return fmt.Errorf("no stack selected: run `pulumi stack select <name>` in %s", dir)
	}
	stack, err := auto.SelectStack(ctx, current.Name, ws)
	if err != nil {
		return err
	}
	switch step {
	case "up":
		_, err = stack.Up(ctx, optup.ProgressStreams(os.Stdout), optup.ErrorProgressStreams(os.Stderr))
	case "preview":
		_, err = stack.Preview(ctx, optpreview.ProgressStreams(os.Stdout), optpreview.ErrorProgressStreams(os.Stderr))
	case "destroy":
		_, err = stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout), optdestroy.ErrorProgressStreams(os.Stderr))
	default:
		err = fmt.Errorf("usage: go run . [up|preview|destroy]")
	}
	return err
}

func main() {
	if len(os.Args) == 1 {
		pulumi.Run(program) // started by the Go language host (pulumi up)
		return
	}
	if err := automation(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
