{
  description = "vmt: VM integration tests scripted in Starlark";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        vmt = pkgs.callPackage ./nix/package.nix { src = self; };
        default = vmt;
      });

      # lib.<system>.lintCheck { name, script, machines ? [ ] } is a check
      # derivation that runs `vmt lint` on a test script.
      # lib.<system>.vmtTest { name, script, startScripts ? [ ], vlans ? [ ], ... }
      # is a test derivation that runs `vmt lint`, then `vmt run`, with the
      # log and JUnit report in $out (arguments: nix/vmt-test.nix).
      lib = forAllSystems (pkgs: {
        lintCheck = pkgs.callPackage ./nix/lint-check.nix {
          vmt = self.packages.${pkgs.stdenv.hostPlatform.system}.vmt;
        };
        vmtTest = pkgs.callPackage ./nix/vmt-test.nix {
          vmt = self.packages.${pkgs.stdenv.hostPlatform.system}.vmt;
        };
      });

      checks = forAllSystems (pkgs: {
        vmt = self.packages.${pkgs.stdenv.hostPlatform.system}.vmt;
      });
    };
}
