{ lib
, stdenv
, runCommand
, writeShellScriptBin
, vmt
, linux
, pkgsStatic
, qemu_test
, vde2
, xz
, zstd
}:

# lib.<system>.vmtTest: one vmt test as one derivation, the way a NixOS test
# is one, so that Nix remote builders and Hydra spread tests over hosts
# (vmt itself schedules nothing across hosts). Building it runs
# `vmt lint` on the script (a broken script fails before anything boots),
# then `vmt run`; a failed test fails the build. $out holds:
#
#   log        vmt run's output (also in the build log)
#   junit.xml  the JUnit report, one test case per subtest
#   ...        what the script writes to its output directory
#              (screenshots, copy_from_machine)
#
# Arguments:
#   name           the test's name; the derivation is vmt-test-NAME
#   script         the Starlark test script: a path (./test.star) or a file
#                  in the store (writeText). Only that file is copied to the
#                  store: files the script reads by relative path must be
#                  spliced in as store paths instead.
#   startScripts   NixOS start scripts of the machines (run-NAME-vm), e.g.
#                  "${nixosConfig.config.system.build.vm}/bin/run-server-vm";
#                  default [ ]. Given to `vmt lint` and `vmt run` as
#                  --start-scripts.
#   vlans          numbers of the VLANs to create (vmt run --vlans);
#                  default [ ]
#   globalTimeout  seconds the whole test may run (--global-timeout);
#                  default 3600, 0 for no limit
#   bootTimeout    seconds a machine may take to reach its backdoor shell
#                  (--boot-timeout); default null: vmt's own (600)
#   extraArgs      more `vmt run` flags; default [ ]. E.g. [ "--debug" ] keeps
#                  a failed test's machines for vmt attach (README: "Inside
#                  a Nix build")
#   lint           run `vmt lint` first; default true
#   strictLint     fail on lint warnings too (vmt lint --strict); default false
#   accel          null (default): vmt probes KVM and falls back to TCG;
#                  "kvm" or "tcg" sets VMT_ACCEL
#   allowFailure   false (default): a failed test fails the build. true: the
#                  build succeeds and keeps $out (log, junit.xml), with vmt's
#                  exit status in $out/nix-support/failed, which Hydra shows
#                  as a failed build with outputs. Lint errors always fail.
#   requiredSystemFeatures  default [ "nixos-test" "kvm" ], as NixOS tests
#                  (Nix gives /dev/kvm to the sandbox only with "kvm"); set
#                  [ ] to build on hosts without KVM (vmt then uses TCG)
#   extraPackages  more programs on PATH during the test; default [ ]
#
# The tools of the machines the script declares with create_machine (the
# kernel booted with vmt's busybox initramfs):
#   kernel         a nixpkgs kernel package (linux, linuxPackages_latest.kernel,
#                  ...); default linux. vmt gets it as VMT_KERNEL, as
#                  boot/vmlinuz-VERSION with its modules in lib/modules/VERSION
#                  beside it. null leaves VMT_KERNEL unset: enough for a test
#                  of start scripts alone (they bring their own kernel and
#                  choose KVM themselves).
#   kernelFile     the image's file name in the kernel package; default the
#                  platform's (bzImage on x86_64, Image on aarch64)
#   busybox        a static busybox (VMT_BUSYBOX); default pkgsStatic.busybox;
#                  null leaves it unset
#   qemu           QEMU (VMT_QEMU is its qemu-system-ARCH; qemu-img on PATH);
#                  default qemu_test, NixOS tests' QEMU, which emulates the
#                  host's architecture only
#
# passthru.driverInteractive runs the same test on this host, outside the
# sandbox, and opens vmt's REPL after the script (vmt run -I); arguments
# go to vmt run: `nix run .#checks.x86_64-linux.NAME.driverInteractive -- --debug`.

{ name
, script
, startScripts ? [ ]
, vlans ? [ ]
, globalTimeout ? 3600
, bootTimeout ? null
, extraArgs ? [ ]
, lint ? true
, strictLint ? false
, accel ? null
, allowFailure ? false
, requiredSystemFeatures ? [ "nixos-test" "kvm" ]
, extraPackages ? [ ]
, kernel ? linux
, kernelFile ? stdenv.hostPlatform.linux-kernel.target
, busybox ? pkgsStatic.busybox
, qemu ? qemu_test
}:

let
  # vmt finds a kernel's modules from VMT_KERNEL's name, vmlinuz-VERSION:
  # this directory gives a nixpkgs kernel ($out/bzImage and
  # $out/lib/modules/VERSION) that layout.
  kernelDir = runCommand "vmt-kernel-${kernel.modDirVersion}" { } ''
    mkdir -p $out/boot $out/lib/modules
    ln -s ${kernel}/${kernelFile} $out/boot/vmlinuz-${kernel.modDirVersion}
    if [ -d ${kernel}/lib/modules/${kernel.modDirVersion} ]; then
      ln -s ${kernel}/lib/modules/${kernel.modDirVersion} $out/lib/modules/${kernel.modDirVersion}
    fi
  '';

  tools = [ vmt qemu vde2 xz zstd ] ++ extraPackages;

  # The environment of vmt run, in the build and in driverInteractive.
  setup = ''
    export PATH=${lib.makeBinPath tools}''${PATH:+:$PATH}
    export VMT_QEMU=${qemu}/bin/qemu-system-${stdenv.hostPlatform.qemuArch}
  ''
  + lib.optionalString (kernel != null) ''
    export VMT_KERNEL=${kernelDir}/boot/vmlinuz-${kernel.modDirVersion}
  ''
  + lib.optionalString (busybox != null) ''
    export VMT_BUSYBOX=${busybox}/bin/busybox
  ''
  + lib.optionalString (accel != null) ''
    export VMT_ACCEL=${lib.escapeShellArg accel}
  '';

  startScriptArgs = lib.concatMap (s: [ "--start-scripts" s ]) startScripts;

  runArgs = startScriptArgs
    ++ lib.optionals (vlans != [ ]) [ "--vlans" (lib.concatMapStringsSep "," toString vlans) ]
    ++ [ "--global-timeout" (toString globalTimeout) ]
    ++ lib.optionals (bootTimeout != null) [ "--boot-timeout" (toString bootTimeout) ]
    ++ extraArgs;

  lintArgs = startScriptArgs ++ lib.optionals strictLint [ "--strict" ];

  driverInteractive = writeShellScriptBin "vmt-test-${name}" ''
    ${setup}
    exec vmt run -I ${lib.escapeShellArgs runArgs} "$@" ${script}
  '';
in
runCommand "vmt-test-${name}"
{
  inherit requiredSystemFeatures;
  passthru = { inherit driverInteractive; };
  meta = lib.optionalAttrs (globalTimeout > 0) {
    # Hydra's limit on the build: the test's own, plus room to boot.
    timeout = globalTimeout + 600;
  };
}
  ''
    ${setup}
    export HOME=$TMPDIR VMT_CACHE_DIR=$TMPDIR/vmt-cache NO_COLOR=1
    ${lib.optionalString lint ''
      vmt lint ${lib.escapeShellArgs lintArgs} ${script}
    ''}
    mkdir -p $out
    status=0
    set -o pipefail
    vmt run --junit-xml $out/junit.xml -o $out ${lib.escapeShellArgs runArgs} ${script} 2>&1 \
      | tee $out/log || status=$?
    mkdir -p $out/nix-support
    echo "report testlog $out log" >> $out/nix-support/hydra-build-products
    if [ "$status" -ne 0 ]; then
      echo "vmt run failed with exit status $status" >&2
      ${if allowFailure then ''echo "$status" > $out/nix-support/failed'' else ''exit "$status"''}
    fi
  ''
