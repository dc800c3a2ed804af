package guest

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// CacheDir is where built guests are kept: $VMT_CACHE_DIR, else
// $XDG_CACHE_HOME/vmt, else ~/.cache/vmt.
func CacheDir() (string, error) {
	if d := os.Getenv("VMT_CACHE_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: set VMT_CACHE_DIR (%v)", err)
	}
	return filepath.Join(base, "vmt"), nil
}

// withLock runs fn while holding an exclusive lock on dir/name.lock, so
// parallel test binaries build a cached artefact once.
func withLock(dir, name string, fn func() error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating cache directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("locking cache: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking cache: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

// Cached returns the path of file in the cache directory subdir, calling
// build to make it when it is not there yet. Builds hold a lock, so that
// parallel test binaries build an artefact once; build writes path whole
// or not at all (WriteFileAtomic, or a rename).
func Cached(subdir, file string, build func(path string) error) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, subdir)
	path := filepath.Join(dir, file)
	err = withLock(dir, file, func() error {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		return build(path)
	})
	return path, err
}

// WriteFileAtomic writes data to path through a temporary file and a
// rename, so readers never see a partial file.
func WriteFileAtomic(path string, data func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := data(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
