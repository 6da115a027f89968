package ldp

import (
	"net/http"

	"github.com/rs/cors"
)

// exposedHeaders are the response headers a web app may read (Solid
// Protocol §8.1: enumerate them rather than use "*").
var exposedHeaders = []string{
	"Accept-Patch", "Accept-Post", "Accept-Put", "Allow", "Content-Range", "ETag",
	"Last-Modified", "Link", "Location", "Updates-Via", "WAC-Allow", "WWW-Authenticate",
}

// CORS lets any web app, from any origin, use the server with credentials
// (Solid Protocol §8.1): the request's Origin is reflected (never "*")
// with Vary: Origin, preflights allow every method and any requested
// header, and error responses carry the same headers, since access is
// decided by WAC, never by CORS.
func CORS(next http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowOriginFunc:  func(string) bool { return true },
		AllowedMethods:   []string{"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"},
		AllowedHeaders:   []string{"*"},
		ExposedHeaders:   exposedHeaders,
		AllowCredentials: true,
		MaxAge:           3600,
	}).Handler(next)
}
