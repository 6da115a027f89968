// Package ldp is the Solid Protocol core: it turns HTTP requests into
// operations on resources and containers, with Solid semantics (containment,
// auxiliary resources, ETags, content negotiation), on top of a
// storage.Store.
//
// The request path, in Handler.ServeHTTP:
//
//	request → target (ParseTarget: canonical key, auxiliary kind)
//	        → credentials (the Agent in the context; oidc fills it later)
//	        → required modes (RequiredModes: a table)
//	        → authorization (Config.Authorize; WAC comes with package acl)
//	        → operation (Service: get, put, post, delete)
//	        → storage (storage.Store)
//
// Errors of every step are *Error values with a Kind; statusOf maps them to
// HTTP statuses in one place.
package ldp
