{ pkgs, lib, ... }:
let
  port = 8080;
in
{
  name = "web";
  nodes.server = { ... }: {
    services.nginx.enable = true;
  };
  testScript = { nodes, ... }: ''
    import json
    start_all()

    with subtest("the page is served on ${toString port}"):
        server.wait_for_open_port(${toString port})
        path = "index.html"
        out = server.succeed(f"${pkgs.curl}/bin/curl http://localhost:${toString port}/{path}")
        assert "welcome" in out

    # ''${...} is a literal dollar-brace in Nix
    server.succeed("echo ''${HOME} is not spliced")
    server.succeed("${lib.concatStringsSep " " [ "true" "&&" "true" ]}")
  '';
}
