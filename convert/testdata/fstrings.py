# f-strings become str.format calls; literal braces stay doubled.
port = 8080
user = "alice"

server.wait_for_open_port(port)
server.succeed(f"curl --fail http://localhost:{port}/")
server.succeed(f"su - {user} -c 'id -un'")
print(f"{user!r} logged in on port {port}")
server.succeed(f"echo {{not a field}} {port}")
server.succeed(f"""
  mkdir -p /home/{user}/.config
  touch /home/{user}/.config/done
""")
server.succeed(f"echo plain")
server.succeed(rf"grep -E '^{user}\s' /etc/passwd")
