package qemu

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The guest's side of a snapshot: what the backdoor shell runs before the
// snapshot is taken and each time it connects.

// settleTimeout bounds the wait for a systemd guest to finish its boot
// before its snapshot (settleGuest).
const settleTimeout = 60 * time.Second

// settleGuest waits for systemd, where it runs the guest, to finish the
// boot it was doing when the backdoor shell came up: a snapshot of a
// settled guest is restored with no boot left to do, which under TCG
// would run in code not yet translated, several times slower than it ran
// the first time.
var settleGuest = fmt.Sprintf(`if command -v systemctl >/dev/null; then timeout %d systemctl is-system-running --wait; fi`, int(settleTimeout.Seconds()))

// mountsNote is where releaseShares notes the 9p shares it unmounted, in
// the guest's memory (/run), for the resume command to mount them again.
const mountsNote = "/run/vmt-9p-mounts"

// releaseShares unmounts the guest's 9p shares, innermost first: QEMU
// refuses to save a guest with a share mounted (an unmount lifts that). A
// share that stays busy (a Nix store over 9p) makes QEMU refuse, and the
// machine boots every time.
const releaseShares = `fwd= rev=
while read -r src dst type opts rest; do
	[ "$type" = 9p ] || continue
	fwd="$fwd$src $dst $opts
"
	rev="$dst $rev"
done </proc/mounts
[ -z "$fwd" ] || { printf %s "$fwd" >` + mountsNote + ` && for d in $rev; do umount "$d"; done; }`

// prepareGuest makes the guest ready for its snapshot: settled, its 9p
// shares unmounted. What fails is said; QEMU's refusal says the rest.
func (m *Machine) prepareGuest(ctx context.Context, sh *shell) {
	began := time.Now()
	status, out, err := sh.execute(ctx, settleGuest, settleTimeout+setupTimeout, nil)
	switch {
	case err != nil:
		m.logf("snapshot: waiting for the guest's boot to finish: %v", err)
	case status == 124:
		m.logf("snapshot: the guest's boot had not finished after %s (systemctl is-system-running: %s): the snapshot is of a guest still booting", settleTimeout, strings.TrimSpace(string(out)))
	case len(out) > 0:
		m.logf("snapshot: the guest's boot finished in %.1f s more (%s)", time.Since(began).Seconds(), strings.TrimSpace(string(out)))
	}
	status, out, err = sh.execute(ctx, releaseShares, setupTimeout, nil)
	if err != nil || status != 0 {
		m.logf("snapshot: unmounting the guest's 9p shares: status %d, %v: %s", status, err, strings.TrimSpace(string(out)))
	}
}

// resumeCommand runs when the backdoor shell connects, after a boot or a
// restore: it sets the clock to now and, in vmt's guest, mounts the shares
// rc left (/etc/vmt-resume; any other guest gets its clock set), then
// mounts the shares releaseShares unmounted. The clock comes first: under
// TCG a restored guest runs each program for the first time slowly, and
// the time given is the time the command was sent. For that reason too it
// runs few programs: the note is emptied, not removed.
func resumeCommand(now time.Time) string {
	return fmt.Sprintf(`if [ -x /etc/vmt-resume ]; then /etc/vmt-resume %[1]d; else date -s @%[1]d >/dev/null; fi &&
if [ -s %[2]s ]; then
	while read -r src dst opts; do mount -t 9p -o "$opts" "$src" "$dst"; done <%[2]s
	: >%[2]s
fi`, now.Unix(), mountsNote)
}
