package qemu

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// storage adds the machine's empty disks and its 9p shares: the run's
// shared dir and the machine's xchg dir, as NixOS guests mount them, then
// the spec's own. vmt's guest mounts them from vmt.mounts.
func (s Spec) storage(c *cmdline, cfg *Config) error {
	state := cfg.stateDir()
	for i, size := range s.EmptyDisks {
		path := filepath.Join(state, fmt.Sprintf("empty%d.qcow2", i))
		cfg.Disks = append(cfg.Disks, Disk{Path: path, SizeMB: size})
		c.add("-drive", "file="+path+",if=virtio,format=qcow2")
	}
	shares := append([]SharedDir{{Source: cfg.SharedDir, Target: "/tmp/shared"}, {Source: filepath.Join(state, "xchg"), Target: "/tmp/xchg"}}, s.SharedDirs...)
	cfg.MakeDirs = append(cfg.MakeDirs, filepath.Join(state, "xchg"))
	var mounts []string
	for i, d := range shares {
		source, err := filepath.Abs(d.Source)
		if err != nil {
			return err
		}
		d.Source = source
		if strings.ContainsAny(d.Source, ",") || strings.ContainsAny(d.Target, ", :\t\n\"'*?[\\") || !strings.HasPrefix(d.Target, "/") {
			return fmt.Errorf("machine %s: shared dir %s -> %s: the target must be an absolute guest path without spaces, quotes, ':', ',' or glob characters, and the source may not contain ','", s.Name, d.Source, d.Target)
		}
		tag := "share" + strconv.Itoa(i)
		virtfs := "local,path=" + d.Source + ",security_model=none,mount_tag=" + tag
		if d.ReadOnly {
			virtfs += ",readonly=on"
		}
		c.add("-virtfs", virtfs)
		mounts = append(mounts, tag+":"+d.Target)
	}
	c.param("vmt.mounts=" + strings.Join(mounts, ","))
	return nil
}
