# Evaluates the flake's lib functions against nix/tests/stub-nixpkgs.nix and
# returns what nix/nix_test.go checks, as plain data:
#   nix-instantiate --eval --strict --json --readonly-mode nix/tests/eval.nix
let
  flake = import ../../flake.nix;
  nixpkgs = import ./stub-nixpkgs.nix;
  self = flake.outputs { inherit self nixpkgs; } // {
    outPath = "/nix/store/88888888888888888888888888888888-source";
  };
  inherit (self.lib.x86_64-linux) vmtTest lintCheck;

  server = "/nix/store/99999999999999999999999999999999-nixos-vm/bin/run-server-vm";
  client = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-vm/bin/run-client-vm";

  show = d: {
    inherit (d) name buildCommand;
    requiredSystemFeatures = d.requiredSystemFeatures or null;
    meta = d.meta or { };
    interactive = if d ? passthru then d.passthru.driverInteractive.text else null;
  };
in
{
  # NixOS start scripts on two VLANs.
  nixos = show (vmtTest {
    name = "web";
    script = ../../examples/hello.star;
    startScripts = [ server client ];
    vlans = [ 1 2 ];
  });
  # Machines the script declares, every option away from its default.
  declared = show (vmtTest {
    name = "declared";
    script = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-test.star";
    globalTimeout = 0;
    bootTimeout = 120;
    extraArgs = [ "--debug" "--debug-timeout" "600" ];
    strictLint = true;
    accel = "tcg";
    allowFailure = true;
    requiredSystemFeatures = [ ];
    qemu = (nixpkgs.legacyPackages.x86_64-linux).qemu;
  });
  # No guest tools, no lint.
  bare = show (vmtTest {
    name = "bare";
    script = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-test.star";
    startScripts = [ server ];
    kernel = null;
    busybox = null;
    lint = false;
  });
  aarch64 = show (self.lib.aarch64-linux.vmtTest {
    name = "arm";
    script = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-test.star";
  });
  lint = show (lintCheck {
    name = "web";
    script = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-test.star";
    machines = [ "server" "client" ];
    strict = true;
  });
}
