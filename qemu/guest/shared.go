package guest

// WithLock runs fn while holding the cache lock dir/name.lock, so parallel
// test binaries build a cached artefact once (for other guest builders,
// such as package systemdguest).
func WithLock(dir, name string, fn func() error) error { return withLock(dir, name, fn) }
