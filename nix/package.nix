{ lib, buildGoModule, src }:

buildGoModule {
  pname = "vmt";
  version = "0.1.0";
  inherit src;

  # The hash of the Go module dependencies. To update it after go.mod
  # changes: build once (`nix build .#vmt`), and copy the "got: sha256-..."
  # value Nix prints into this line.
  vendorHash = lib.fakeHash;

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
