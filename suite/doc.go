// Package suite runs many vmt test scripts at once: it finds them (files
// and directories), keeps a stable share of them for one CI shard, runs
// each as its own `vmt run` child process with as many at a time as the
// host's cores and memory allow, shows their progress, and merges their
// results into a summary and one JUnit report. A child per test means a
// crash or a global timeout in one test cannot take down the others.
package suite
