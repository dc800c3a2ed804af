package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/internal/suggest"
	"github.com/vmt-dev/vmt/lang"
)

func init() {
	root.AddCommand(&cobra.Command{
		Use:   "doc NAME",
		Short: "Show the documentation of one script API entry",
		Long: "vmt doc prints the signature and documentation of a global, a type, a module\n" +
			"or a member: vmt doc succeed, vmt doc Machine, vmt doc Machine.succeed,\n" +
			"vmt doc json.dumps. A bare member name shows that member of every type.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := docText(lang.Default, args[0])
			if err != nil {
				return &exitError{exitUsage, err}
			}
			fmt.Fprint(cmd.OutOrStdout(), text)
			return nil
		},
	})
}

// docText renders every entry name may mean, each under a heading line.
func docText(table *lang.Table, name string) (string, error) {
	entries := table.Lookup(name)
	if len(entries) == 0 {
		msg := fmt.Sprintf("no symbol named %q", name)
		if guess := suggest.Closest(name, table.Paths()); guess != "" {
			msg += fmt.Sprintf("; did you mean %q?", guess)
		}
		return "", errors.New(msg + " (vmt symbols lists every name)")
	}
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(docHeading(e) + "\n\n")
		b.WriteString(e.Render(lang.Text))
	}
	return b.String(), nil
}

func docHeading(e lang.Entry) string {
	switch {
	case e.Type != nil && e.Type.Module:
		return "module " + e.Path
	case e.Type != nil:
		return "type " + e.Path
	case e.Owner != nil && e.Func != nil:
		return "method " + e.Path
	case e.Owner != nil:
		return "attribute " + e.Path
	case e.Func != nil:
		return "function " + e.Path
	}
	return "value " + e.Path
}
