# assert becomes assert_eq, assert_in, assert_not_in or assert_true.
out = machine.succeed("cat /etc/hostname")
assert out == "machine\n"
assert "machine" in out, "the hostname is missing"
assert "nobody" not in machine.succeed("users")
assert out.strip() is not None
assert out != ""
assert len(out) > 3, f"short hostname: {out}"
assert out.strip() == "machine", (
    "hostname differs"
)
assert not machine.fail("false")
# the driver's unittest object
t.assertEqual(out, "machine\n")
t.assertIn("mach", out, "no name")
