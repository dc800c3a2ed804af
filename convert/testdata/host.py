# Host steps: subprocess, tempfile and urllib become host.run,
# host.tempdir and the url module.
import subprocess
import tempfile
import urllib.parse

start_all()

out = subprocess.check_output(["ssh-keygen", "-l", "-f", "/etc/key.pub"]).decode()
subprocess.run(["cp", "/etc/a", "/etc/b"], check=True)
res = subprocess.run("test -e /etc/c", shell=True, capture_output=True, text=True)
if res.returncode != 0:
    print(res.stderr)
subprocess.check_call(["true"], timeout=10)
tmp = tempfile.mkdtemp()
query = urllib.parse.urlencode({"q": "vm tests", "page": 2})
server.succeed("curl http://localhost/search?" + query + "&name=" + urllib.parse.quote(out.strip()))
print(tmp)
