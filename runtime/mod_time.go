package runtime

import (
	"time"

	"go.starlark.net/starlark"
)

// The time module: the host's clock.

// clockBase is the origin of time.monotonic, whose values only matter
// relative to each other.
var clockBase = time.Now()

func timeTime(*call) (starlark.Value, error) {
	return starlark.Float(float64(time.Now().UnixNano()) / 1e9), nil
}

func timeMonotonic(*call) (starlark.Value, error) {
	return starlark.Float(time.Since(clockBase).Seconds()), nil
}

// timeSleep sleeps on the host, stopping early when the test is stopped.
func timeSleep(c *call) (starlark.Value, error) {
	d, err := c.args.seconds("secs")
	if err != nil {
		return nil, err
	}
	return starlark.None, c.d.sleep(d)
}
