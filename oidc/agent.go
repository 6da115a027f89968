package oidc

import "context"

// Agent is who a request acts as. The zero Agent is the anonymous agent.
// Only the token verifier (or a test, in-process) puts an Agent in a
// context: no header a client sets can claim a WebID.
type Agent struct {
	// WebID identifies the user; "" for anonymous requests.
	WebID string
	// ClientID is the application the user logged in with, if known.
	ClientID string
	// Issuer is the OpenID provider that vouched for the WebID.
	Issuer string
}

// Anonymous reports whether a is the anonymous agent.
func (a Agent) Anonymous() bool { return a.WebID == "" }

type agentKey struct{}

// NewContext returns a context that carries agent.
func NewContext(ctx context.Context, agent Agent) context.Context {
	return context.WithValue(ctx, agentKey{}, agent)
}

// FromContext returns the agent in ctx, or the anonymous agent.
func FromContext(ctx context.Context) Agent {
	a, _ := ctx.Value(agentKey{}).(Agent)
	return a
}
