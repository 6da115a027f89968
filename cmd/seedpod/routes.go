package main

import (
	"net/http"
	"strings"
)

// routes sends each request to the handler of the first route whose
// prefix its path has; the last route, "/", is the Solid (LDP) handler.
//
// It is not an http.ServeMux on purpose: a ServeMux answers unclean paths
// ("/a//b", "/a/../b") with a redirect before any handler sees them,
// while ldp must refuse those itself (400, spec/input_test.go).
type routes []route

type route struct {
	prefix string
	h      http.Handler
}

func (rs routes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, rt := range rs {
		if strings.HasPrefix(r.URL.Path, rt.prefix) {
			rt.h.ServeHTTP(w, r)
			return
		}
	}
	http.NotFound(w, r)
}
