# Python's format specs, which Starlark's % and format lack, go to
# vmt's format(value, spec).
elapsed = 1.23456
count = 42
name = "web"

print("%.2f seconds" % elapsed)
print("%5d units, %-8s|, %s" % (count, name, "plain"))
print("%x and %+.1e" % (255, elapsed))
print("{:>8}|{}".format(name, count))
print("{0:08.3f} {1}".format(elapsed, name))
print("{label}: {value:,}".format(label = "total", value = 1234567))
print(f"{elapsed:.1f} s for {count:04d} items ({name!r:>10})")
print("{!r:>12}".format(name))
print("100%% done in %.0f s" % elapsed)
