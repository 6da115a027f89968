package notify

import (
	"errors"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// sweepInterval is how often expired channels are removed from storage.
// Expired channels are refused as soon as they expire; the sweep only
// reclaims the records of those nobody touched since.
const sweepInterval = time.Hour

// sweepLoop removes expired channels every interval. Every process runs
// it, but a Bus claim lets only one of them sweep per interval.
func (n *Notifier) sweepLoop(interval time.Duration) {
	defer n.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			n.sweep(interval)
		case <-n.ctx.Done():
			return
		}
	}
}

// sweep removes expired channels, if this process wins the claim for
// this interval. It reports how many it removed.
func (n *Notifier) sweep(interval time.Duration) int {
	ctx := n.ctx
	won, err := n.bus.Claim(ctx, "notify.sweep", interval/2)
	if err != nil || !won {
		return 0
	}
	var ids []string
	for info, err := range n.store.List(ctx, channelsRoot) {
		if err != nil {
			if !errors.Is(err, storage.ErrNotExist) {
				n.log.Warn("notify: sweep", "err", err)
			}
			break
		}
		ids = append(ids, info.Key.Name())
	}
	removed := 0
	for _, id := range ids {
		// loadChannel removes a channel it finds expired.
		if _, _, err := n.loadChannel(ctx, id); errors.Is(err, errNoChannel) {
			removed++
		}
	}
	return removed
}
