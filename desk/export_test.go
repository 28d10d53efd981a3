package desk

// Enqueued receives a value after a transaction committed messages to the
// outbox; one value may stand for several commits. Only the tests watch it:
// an Outbox given the Desk takes the messages themselves.
func (d *Desk) Enqueued() <-chan struct{} { return d.hand.ready }
