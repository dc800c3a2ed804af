{ lib, buildGoModule, src }:

buildGoModule {
  pname = "vmt";
  version = "0.1.0";
  inherit src;

  # The hash of the Go module dependencies: the NAR hash of what
  # `go mod vendor` writes. After a change to go.mod or go.sum, refresh it
  # with `go mod vendor && nix hash path vendor && rm -r vendor` (or set
  # lib.fakeHash, build once and copy the "got: sha256-..." Nix prints).
  vendorHash = "sha256-kuGop79sjdqcB1BGdLNx1p2pysxWMx0Oa8z0hEC8XzQ=";

  subPackages = [ "cmd/vmt" ];

  # The integration tests boot QEMU guests, which the build sandbox cannot;
  # the Go tests run in CI instead.
  doCheck = false;

  meta = {
    description = "VM integration tests scripted in Starlark: run, lint and language server";
    mainProgram = "vmt";
    platforms = lib.platforms.linux;
  };
}
