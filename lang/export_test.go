package lang

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/api.md and testdata/render from the table")

const apiDocPath = "../docs/api.md"

// docs/api.md is generated; refresh it with `go generate ./lang`.
func TestAPIDocIsCurrent(t *testing.T) {
	want := Default.Markdown()
	if *update {
		if err := os.WriteFile(apiDocPath, []byte(want), 0o644); err != nil {
			t.Fatalf("writing %s: %v", apiDocPath, err)
		}
	}
	got, err := os.ReadFile(apiDocPath)
	if err != nil {
		t.Fatalf("reading %s: %v (create it with `go generate ./lang`)", apiDocPath, err)
	}
	if string(got) != want {
		t.Fatalf("%s is stale: run `go generate ./lang` and commit the result", apiDocPath)
	}
}

func TestMarkdownDocumentsEveryEntry(t *testing.T) {
	md := Default.Markdown()
	for _, e := range Default.Entries() {
		if e.Func != nil && !strings.Contains(md, e.Func.Signature()) {
			t.Errorf("docs/api.md lacks the signature of %s", e.Path)
		}
		if e.Type != nil && !strings.Contains(md, "### "+e.Type.Name+"\n") {
			t.Errorf("docs/api.md lacks a section for %s", e.Path)
		}
	}
	if !strings.Contains(md, "**Deprecated:** use `copy_from_machine` instead.") {
		t.Error("docs/api.md does not flag copy_from_vm as deprecated")
	}
}

func TestJSONExportShape(t *testing.T) {
	data, err := Default.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Types []struct {
			Name    string `json:"name"`
			Module  bool   `json:"module"`
			Members []struct {
				Name string `json:"name"`
				Kind string `json:"kind"`
			} `json:"members"`
		} `json:"types"`
		Values []struct {
			Name   string `json:"name"`
			Kind   string `json:"kind"`
			Params []struct {
				Name     string `json:"name"`
				Type     string `json:"type"`
				Default  string `json:"default"`
				Kind     string `json:"kind"`
				Required bool   `json:"required"`
			} `json:"params"`
			Returns string `json:"returns"`
		} `json:"values"`
	}
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatalf("export is not valid JSON: %v", err)
	}
	kinds := map[string]string{}
	for _, v := range decoded.Values {
		kinds[v.Name] = v.Kind
		if v.Name == "create_machine" {
			if len(v.Params) == 0 || v.Params[0].Name != "name" || !v.Params[0].Required || v.Params[0].Kind != "positional" {
				t.Errorf("create_machine's first parameter should be a required positional name, got %+v", v.Params)
			}
			if v.Returns != "Machine" {
				t.Errorf("create_machine returns %q, want Machine", v.Returns)
			}
		}
	}
	for name, want := range map[string]string{"start_all": "function", "json": "module", "machines": "value"} {
		if kinds[name] != want {
			t.Errorf("%s has kind %q, want %q", name, kinds[name], want)
		}
	}
	var machine bool
	for _, ty := range decoded.Types {
		if ty.Name == "Machine" {
			machine = len(ty.Members) == len(Default.Type("Machine").Methods)+len(Default.Type("Machine").Attrs)
		}
	}
	if !machine {
		t.Error("Machine type missing from the export or members incomplete")
	}
}
