// Package editors holds the editor configurations for vmt scripts; its
// test checks that they agree with each other.
package editors

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every editor calls the language vmt and claims *.star files: see the
// table in README.md.
const (
	languageID  = "vmt"
	filePattern = "*.star"
)

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return string(data)
}

// mustMatch fails unless the file matches the pattern.
func mustMatch(t *testing.T, path, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(read(t, path)) {
		t.Errorf("%s does not match %s: its language id or file pattern disagrees with %q and %q", path, pattern, languageID, filePattern)
	}
}

func TestVSCodeContributesTheLanguage(t *testing.T) {
	var manifest struct {
		Contributes struct {
			Languages []struct {
				ID         string   `json:"id"`
				Extensions []string `json:"extensions"`
			} `json:"languages"`
			Grammars []struct {
				Language string `json:"language"`
			} `json:"grammars"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal([]byte(read(t, "vscode/package.json")), &manifest); err != nil {
		t.Fatalf("vscode/package.json: %v", err)
	}
	langs := manifest.Contributes.Languages
	if len(langs) != 1 || langs[0].ID != languageID || strings.Join(langs[0].Extensions, ",") != strings.TrimPrefix(filePattern, "*") {
		t.Errorf("vscode/package.json contributes %+v, want the language %q for %s", langs, languageID, filePattern)
	}
	if g := manifest.Contributes.Grammars; len(g) != 1 || g[0].Language != languageID {
		t.Errorf("vscode/package.json grammars %+v, want one for %q", g, languageID)
	}
	mustMatch(t, "vscode/src/extension.ts", `language: "`+languageID+`"`)
}

func TestNeovimUsesTheLanguage(t *testing.T) {
	mustMatch(t, "nvim/ftdetect/vmt.vim", `BufNewFile `+regexp.QuoteMeta(filePattern)+` set filetype=`+languageID+`\b`)
	mustMatch(t, "nvim/lua/vmt/init.lua", `pattern = "`+languageID+`"`)
	mustMatch(t, "nvim/lua/vmt/lspconfig.lua", `filetypes = \{ "`+languageID+`" \}`)
	for _, dir := range []string{"ftplugin", "syntax", "indent"} {
		read(t, "nvim/"+dir+"/"+languageID+".vim")
	}
}

func TestHelixUsesTheLanguage(t *testing.T) {
	mustMatch(t, "helix/languages.toml", `(?m)^name = "`+languageID+`"$`)
	mustMatch(t, "helix/languages.toml", `(?m)^language-id = "`+languageID+`"$`)
	mustMatch(t, "helix/languages.toml", `file-types = \[\{ glob = "`+regexp.QuoteMeta(filePattern)+`" \}\]`)
	read(t, "helix/runtime/queries/"+languageID+"/highlights.scm")
}

func TestEmacsUsesTheLanguage(t *testing.T) {
	mustMatch(t, "emacs/vmt-mode.el", `define-derived-mode `+languageID+`-mode python-mode`)
	mustMatch(t, "emacs/vmt-mode.el", `'\("\\\\`+regexp.QuoteMeta(strings.TrimPrefix(filePattern, "*"))+`\\\\'" \. `+languageID+`-mode\)`)
}

func TestReadmeStatesTheLanguage(t *testing.T) {
	mustMatch(t, "README.md", "language id \\| `"+languageID+"`")
	mustMatch(t, "README.md", "file pattern \\| `"+regexp.QuoteMeta(filePattern)+"`")
}
