package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/lang"
)

func init() {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "symbols",
		Short: "List the script API: every global, type, module and method",
		Long: "vmt symbols lists every name a script can use, one per line with its\n" +
			"signature or type. With --json it prints the whole symbol table (types with\n" +
			"members, values with parameters and Markdown docs) for other tools.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if asJSON {
				data, err := lang.Default.JSON()
				if err != nil {
					return &exitError{exitFailed, err}
				}
				_, err = out.Write(data)
				return err
			}
			for _, e := range lang.Default.Entries() {
				fmt.Fprintln(out, symbolLine(e))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the symbol table as JSON")
	root.AddCommand(cmd)
}

// symbolLine is one entry as "path  signature-or-type  summary".
func symbolLine(e lang.Entry) string {
	switch {
	case e.Func != nil:
		sig := e.Func.Signature()
		if e.Owner != nil {
			sig = e.Owner.Name + "." + sig
		}
		if e.Func.Deprecated != "" {
			sig += "  (deprecated: use " + e.Func.Deprecated + ")"
		}
		return sig
	case e.Value != nil:
		return e.Path + ": " + e.Value.Type
	default:
		if e.Type.Module {
			return "module " + e.Path
		}
		return "type " + e.Path
	}
}
