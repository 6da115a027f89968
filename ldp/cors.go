package ldp

import (
	"net/http"
	"strings"

	"github.com/rs/cors"
)

// exposedHeaders are the response headers a web app may read (Solid
// Protocol §8.1: enumerate them rather than use "*").
var exposedHeaders = []string{
	"Accept-Patch", "Accept-Post", "Accept-Put", "Allow", "Content-Range", "ETag",
	"Last-Modified", "Link", "Location", "Updates-Via", "WAC-Allow", "WWW-Authenticate",
}

// corsMethods are the methods CORS headers are given for. rs/cors matches
// an exact list; this one holds every method a client might send, so that
// even a 405 answer carries CORS headers.
var corsMethods = []string{
	"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE",
	"TRACE", "CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "QUERY",
}

// CORS lets any web app, from any origin, use the server with credentials
// (Solid Protocol §8.1): the request's Origin is reflected (never "*")
// with Vary: Origin, preflights allow every method and any requested
// header, always including Accept (§8.1: long Accept values are otherwise
// blocked), and error responses carry the same headers, since access is
// decided by WAC, never by CORS.
func CORS(next http.Handler) http.Handler {
	c := cors.New(cors.Options{
		AllowOriginFunc:  func(string) bool { return true },
		AllowedMethods:   corsMethods,
		AllowedHeaders:   []string{"*"},
		ExposedHeaders:   exposedHeaders,
		AllowCredentials: true,
		MaxAge:           3600,
	}).Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			// rs/cors reflects the requested headers; make Accept one of them.
			req := r.Header.Get("Access-Control-Request-Headers")
			if !hasToken(req, "accept") {
				if req != "" {
					req += ","
				}
				r.Header.Set("Access-Control-Request-Headers", req+"accept")
			}
		}
		c.ServeHTTP(w, r)
	})
}

// hasToken reports whether a comma-separated header value lists token,
// ignoring case.
func hasToken(v, token string) bool {
	for t := range strings.SplitSeq(v, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}
