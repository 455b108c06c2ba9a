// Command sdkgen writes the TypeScript and Go SDKs of the wxo Pulumi package with Pulumi's own
// code generators (pkg/codegen/nodejs and pkg/codegen/go), from the package schema that the
// plugin serves (`python -m pulumi_wxo.native.schema` prints it).
//
//	sdkgen -schema schema.json -out DIR
//
// writes DIR/nodejs (an npm package) and DIR/go (a Go module whose package is DIR/go/wxo).
// Where the schema names no language settings, the defaults below apply, so that the schema the
// engine sees stays free of code-generation details. See docs/dev/sdks.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const (
	tool       = "pulumi-wxo sdkgen"
	sdkModule  = "github.com/pulumi/pulumi/sdk/v3"
	goModule   = "github.com/pulumi-wxo/pulumi-wxo/sdk/go"
	npmPackage = "@pulumi-wxo/wxo"
	// What the Go generator writes into go.mod; replaced by the SDK this program was built with.
	generatedSDKRequire = sdkModule + " v3.269.0"
	maxSchemaBytes      = 8 << 20
)

// languageDefaults are the code-generation settings used when the schema has none.
var languageDefaults = map[string]any{
	"nodejs": map[string]any{
		"packageName":        npmPackage,
		"packageDescription": "Pulumi SDK for IBM watsonx Orchestrate AI-gateway models and policies",
	},
	"go": map[string]any{
		"importBasePath":  goModule + "/wxo",
		"rootPackageName": "wxo",
	},
}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	out := flag.String("out", "", "directory to write nodejs/ and go/ into (must not exist)")
	flag.Parse()
	if *schemaPath == "" || *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen -schema schema.json -out DIR")
		os.Exit(2)
	}
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	spec, err := readSpec(schemaPath)
	if err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists", out)
	}
	// The two generators each record their language info on the bound package, so each gets
	// its own binding.
	pkg, err := bind(schemaPath, spec)
	if err != nil {
		return err
	}
	tsFiles, err := nodejs.GeneratePackage(tool, pkg, nil, nil, false, noPackages{})
	if err != nil {
		return fmt.Errorf("TypeScript generator: %w", err)
	}
	if pkg, err = bind(schemaPath, spec); err != nil {
		return err
	}
	goFiles, err := gogen.GeneratePackage(tool, pkg, nil)
	if err != nil {
		return fmt.Errorf("Go generator: %w", err)
	}
	if err := pinSDK(goFiles); err != nil {
		return err
	}
	if err := write(filepath.Join(out, "nodejs"), tsFiles); err != nil {
		return err
	}
	return write(filepath.Join(out, "go"), goFiles)
}

func readSpec(path string) (schema.PackageSpec, error) {
	var spec schema.PackageSpec
	f, err := os.Open(path)
	if err != nil {
		return spec, err
	}
	defer f.Close()
	data := make([]byte, maxSchemaBytes+1)
	n, err := f.Read(data)
	for err == nil && n <= maxSchemaBytes {
		var m int
		m, err = f.Read(data[n:])
		n += m
	}
	if n > maxSchemaBytes {
		return spec, fmt.Errorf("%s: larger than %d bytes", path, maxSchemaBytes)
	}
	if err := json.Unmarshal(data[:n], &spec); err != nil {
		return spec, fmt.Errorf("%s: not a package schema: %w", path, err)
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	for lang, settings := range languageDefaults {
		if _, ok := spec.Language[lang]; !ok {
			raw, err := json.Marshal(settings)
			if err != nil {
				return spec, err
			}
			spec.Language[lang] = raw
		}
	}
	// supportPack makes the Go generator write go.mod beside the package, so that a program can
	// use the SDK through a `replace` directive.
	if spec.Meta == nil {
		spec.Meta = &schema.MetadataSpec{}
	}
	spec.Meta.SupportPack = true
	return spec, nil
}

func bind(path string, spec schema.PackageSpec) (*schema.Package, error) {
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if diags.HasErrors() {
		var lines []string
		for _, d := range diags {
			if d.Severity != hcl.DiagError {
				continue
			}
			where := ""
			if d.Subject != nil && d.Subject.Filename != "" {
				where = d.Subject.Filename + ": "
			}
			line := where + d.Summary
			if d.Detail != "" {
				line += " (" + d.Detail + ")"
			}
			lines = append(lines, "  "+line)
		}
		return nil, fmt.Errorf("%s: invalid package schema:\n%s", path, strings.Join(lines, "\n"))
	}
	if err := pkg.ImportLanguages(map[string]schema.Language{"nodejs": nodejs.Importer, "go": gogen.Importer}); err != nil {
		return nil, fmt.Errorf("%s: language settings: %w", path, err)
	}
	return pkg, nil
}

// noPackages is the loader for a schema that references no other package: the wxo schema is
// self-contained, and a reference to another package is an error rather than a plugin download.
type noPackages struct{}

func (noPackages) refuse(name string) error {
	return fmt.Errorf("the schema references package %q: only self-contained schemas are supported", name)
}

func (l noPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(name)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noPackages) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(name)
}

func (l noPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

// pinSDK makes the generated go.mod require the Go SDK this generator was built against (the one
// already in the module cache) instead of the generator's built-in minimum.
func pinSDK(files map[string][]byte) error {
	mod, ok := files["go.mod"]
	if !ok {
		return errors.New("the Go generator wrote no go.mod")
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return errors.New("no build info: cannot tell which Go SDK to require")
	}
	for _, dep := range info.Deps {
		if dep.Path == sdkModule {
			if !strings.Contains(string(mod), generatedSDKRequire) {
				return fmt.Errorf("the generated go.mod does not require %s:\n%s", generatedSDKRequire, mod)
			}
			files["go.mod"] = []byte(strings.Replace(string(mod), generatedSDKRequire, sdkModule+" "+dep.Version, 1))
			return nil
		}
	}
	return fmt.Errorf("%s is not in this program's build info", sdkModule)
}

func write(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
