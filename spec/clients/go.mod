// This directory holds no Go code. The module boundary keeps `go test ./...`
// and `go vet ./...` of the main module out of node_modules, where npm
// packages may ship .go files of their own.
module github.com/seedpod/seedpod/spec/clients

go 1.26
