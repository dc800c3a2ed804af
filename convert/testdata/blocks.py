# Blocks: nested log blocks and temporary directories.
import tempfile

with machine.nested("waiting for the network"):
    machine.wait_for_unit("network-online.target")
    machine.wait_until_succeeds("ping -c1 10.0.2.2")

with log.nested("checking the host"):
    print("host ok")

with tempfile.TemporaryDirectory() as keys:
    machine.copy_from_vm("/etc/ssh/ssh_host_ed25519_key.pub", keys)
    print(keys)
machine.succeed("true")

with subtest("a nested block in a subtest"):
    with machine.nested("inner"):
        machine.succeed("true")
    machine.succeed("false || true")
