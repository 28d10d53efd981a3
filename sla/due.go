package sla

import (
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Due returns a ticket's due times for policy p. A transfer keeps the
// creation time and calls Due again with the new OPD's policy, so the clock
// does not restart when a ticket was routed wrongly.
func Due(cal *Calendar, created time.Time, p sigap.SLAPolicy) (firstResponse, resolution time.Time) {
	return cal.Add(created, p.FirstResponse), cal.Add(created, p.Resolution)
}

// ResolutionTime is the working time a ticket took to resolve: from
// creation to resolution, less the working time spent waiting for the
// citizen (paused).
func ResolutionTime(cal *Calendar, created, resolved time.Time, paused time.Duration) time.Duration {
	return max(cal.Between(created, resolved)-paused, 0)
}
