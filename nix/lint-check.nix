{ lib, runCommand, vmt }:

# A check derivation that lints a test script before any VM boots. It fails
# the build when `vmt lint` reports errors (or warnings, with strict = true).
{ name ? "test"
, script
, machines ? [ ]
, strict ? false
}:

runCommand "vmt-lint-${name}"
  {
    nativeBuildInputs = [ vmt ];
  }
  ''
    vmt lint ${lib.optionalString strict "--strict"} \
      ${lib.optionalString (machines != [ ]) "--machines ${lib.escapeShellArg (lib.concatStringsSep "," machines)}"} \
      ${script}
    touch $out
  ''
