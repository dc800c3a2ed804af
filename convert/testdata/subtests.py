# with subtest(...) blocks become sections; end_subtest() closes one when
# more steps follow.
start_all()

with subtest("the server boots"):
    server.wait_for_unit("multi-user.target")
    # the unit file is there
    server.succeed("test -e /etc/systemd/system/web.service")

with subtest("the page is served"):
    server.wait_for_open_port(80)
    page = server.succeed("""
      curl --fail http://localhost/
    """)

client.succeed("true")
print(page)


def check(node):
    with subtest(f"{node.name} answers"):
        node.succeed("true")
    node.succeed("hostname")


check(client)
