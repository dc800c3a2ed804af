# What has no vmt equivalent keeps its line with a note.
import os

start_all()

try:
    machine.succeed("false")
except Exception:
    pass

machine.shell.send("id\n")
machine.booted = False
print("%(name)s is %(age)d" % {"name": "x", "age": 3})
print(f"{1.5:{width}}")
size = 2 ** 10
del size
proc = subprocess.Popen(["sleep", "1"])


class Helper:
    pass


@retry
def ready(last_try):
    return True
