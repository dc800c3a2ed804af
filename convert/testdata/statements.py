# raise becomes fail(), is becomes ==, annotations and imports go.
import json
import re, shlex
from typing import Optional


def wait_for_login(node: Machine, tty: int = 1) -> None:
    node.wait_until_tty_matches(str(tty), "login: ")


def service_state(name: str) -> Optional[str]:
    info = machine.get_unit_info(name)
    if info is None:
        raise Exception(f"no unit {name}")
    if info.get("ActiveState") is not None:
        return info["ActiveState"]
    raise AssertionError()


count: int = 0
state = service_state("sshd.service")
if state != "active":
    raise RuntimeError("sshd is " + state)
wait_for_login(machine)
data = json.loads(machine.succeed("cat /etc/os-release.json"))
assert re.search(r"^NixOS", data["NAME"]) is not None
machine.succeed("echo " + shlex.quote(data["NAME"]))
print("lines: " "one " "two", count)
units = machine.succeed("systemctl list-units --plain --no-legend").splitlines()
assert all(u.endswith(".service") for u in units)
first = next(u for u in units if u.startswith("ssh"))
print(", ".join(sorted(u.split()[0] for u in units)), first, [u for u in units])
