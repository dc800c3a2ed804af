# A stand-in for nixpkgs made of builtins only, for evaluating the flake's
# functions where nixpkgs is not at hand (nix/nix_test.go). Builders return
# the attributes they were given, with a fake outPath; packages are fake
# store paths. The lib functions mirror nixpkgs' for what vmt's Nix files use.
let
  inherit (builtins) concatStringsSep concatMap functionArgs
    intersectAttrs listToAttrs map match replaceStrings toString;

  lib = rec {
    optionalString = cond: s: if cond then s else "";
    optionals = cond: l: if cond then l else [ ];
    optionalAttrs = cond: as: if cond then as else { };
    inherit concatStringsSep concatMap;
    concatMapStringsSep = sep: f: l: concatStringsSep sep (map f l);
    makeBinPath = ps: concatMapStringsSep ":" (p: "${p}/bin") ps;
    escapeShellArg = arg:
      let s = toString arg; in
      if match "[[:alnum:],._+:@%/-]+" s == null
      then "'${replaceStrings [ "'" ] [ "'\\''" ] s}'"
      else s;
    escapeShellArgs = l: concatMapStringsSep " " escapeShellArg l;
    genAttrs = names: f: listToAttrs (map (n: { name = n; value = f n; }) names);
    platforms.linux = [ "x86_64-linux" "aarch64-linux" ];
  };

  drv = name: attrs: attrs // {
    inherit name;
    type = "derivation";
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  };

  pkgsFor = system:
    let
      arch = builtins.head (builtins.split "-" system);
      self = {
        inherit lib;
        stdenv.hostPlatform = {
          inherit system;
          qemuArch = arch;
          linux-kernel.target = if arch == "aarch64" then "Image" else "bzImage";
        };
        runCommand = name: env: buildCommand: drv name (env // { inherit buildCommand; });
        writeShellScriptBin = name: text: drv name { inherit text; };
        buildGoModule = args: drv "${args.pname}-${args.version}" args;
        callPackage = f: args:
          let fn = if builtins.isFunction f then f else import f;
          in fn (intersectAttrs (functionArgs fn) self // args);

        linux = {
          outPath = "/nix/store/11111111111111111111111111111111-linux-6.6.1";
          modDirVersion = "6.6.1";
        };
        pkgsStatic.busybox = "/nix/store/22222222222222222222222222222222-busybox-static-1.36.1";
        qemu_test = "/nix/store/33333333333333333333333333333333-qemu-test-8.2.0";
        qemu = "/nix/store/44444444444444444444444444444444-qemu-8.2.0";
        vde2 = "/nix/store/55555555555555555555555555555555-vde2-2.3.3";
        xz = "/nix/store/66666666666666666666666666666666-xz-5.4.5";
        zstd = "/nix/store/77777777777777777777777777777777-zstd-1.5.5";
      };
    in
    self;
in
{
  inherit lib;
  legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] pkgsFor;
}
