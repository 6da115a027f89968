package provider

import (
	"html/template"
	"net/http"
)

// pageHeaders are set on every HTML page: never cached, never framed
// (the consent page must not be clickjacked), no referrer leaking the
// authorization request.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Login error</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>This login request cannot continue</h1>
<p>{{.}}</p>
<p>The application that sent you here is misconfigured or the link is broken. You have not been logged in to it.</p>
</body></html>
`))

// errorPage answers status with an HTML page saying msg. It is what a
// browser sees when the provider must not redirect back to the client
// (RFC 6749 §4.1.2.1: an invalid client or redirect URI).
func errorPage(w http.ResponseWriter, status int, msg string) {
	pageHeaders(w)
	w.WriteHeader(status)
	errorTemplate.Execute(w, msg)
}

// consentView is what the consent page shows.
type consentView struct {
	Action     string // URL the form posts to
	ClientID   string
	ClientName string
	ClientURI  string
	Scopes     []string
	WebIDs     []string
	Checked    string // the WebID selected by default
	Request    string // the authorization request, as a query string
	CSRF       string
}

var consentTemplate = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow access?</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>Allow {{if .ClientName}}{{.ClientName}}{{else}}this application{{end}} to log you in?</h1>
<p>Application: <code>{{.ClientID}}</code>{{if .ClientURI}} (<a href="{{.ClientURI}}" rel="noopener noreferrer">{{.ClientURI}}</a>){{end}}</p>
<p>It asks for: {{range $i, $s := .Scopes}}{{if $i}}, {{end}}<code>{{$s}}</code>{{end}}.
It will be able to act as you on every Solid server that trusts your WebID, with the access you have there.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="request" value="{{.Request}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<fieldset><legend>Log in as</legend>
{{range .WebIDs}}<label><input type="radio" name="webid" value="{{.}}"{{if eq . $.Checked}} checked{{end}}> {{.}}</label><br>
{{end}}</fieldset>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>
</body></html>
`))
