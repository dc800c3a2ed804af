package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/internal/buildinfo"
)

func init() {
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print vmt's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "vmt", buildinfo.Version())
		},
	})
}
