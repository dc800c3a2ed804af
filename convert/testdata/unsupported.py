# What has no vmt equivalent keeps its line with a note.
import subprocess
import tempfile

start_all()

try:
    machine.succeed("false")
except Exception:
    pass

out = subprocess.check_output(["ls", "/"])
tmp = tempfile.mkdtemp()
pattern = re.compile(r"^up\s+(\d+)")
machine.shell.send("id\n")
machine.booted = False
print("%.2f seconds" % 1.5)
print("{:>8}".format("right"))
print(f"{1.5:.1f} s")
with machine.nested("waiting for the network"):
    machine.wait_for_unit("network-online.target")
size = 2 ** 10
del size


class Helper:
    pass


@retry
def ready(last_try):
    return True
