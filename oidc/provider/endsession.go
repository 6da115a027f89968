package provider

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
)

// serveEndSession is RP-initiated logout (OpenID Connect RP-Initiated
// Logout 1.0 §2). The post_logout_redirect_uri must be exactly one the
// client registered (§3), the client being named by client_id or by the
// audience of id_token_hint; anything else gets a 400 page. Without a
// valid id_token_hint, the user confirms on a page first (§2: logout
// requests without one may be forged by another site), and the
// confirmation must come from this origin.
func (p *Provider) serveEndSession(w http.ResponseWriter, r *http.Request) {
	q, ok := requestParams(w, r)
	if !ok {
		return
	}
	for k, v := range q {
		if len(v) > 1 {
			errorPage(w, http.StatusBadRequest, k+" is given more than once.")
			return
		}
	}
	clientID := q.Get("client_id")
	hinted := false
	if hint := q.Get("id_token_hint"); hint != "" {
		payload, err := p.verifyOwn(r.Context(), hint, "JWT")
		if err != nil && !errors.Is(err, errBadToken) {
			p.internalError(w, r, err)
			return
		}
		var c idClaims
		if err != nil || json.Unmarshal(payload, &c) != nil || c.Azp == "" {
			errorPage(w, http.StatusBadRequest, "id_token_hint is not an ID token from this server.")
			return
		}
		if clientID != "" && clientID != c.Azp {
			errorPage(w, http.StatusBadRequest, "client_id is not the client the ID token was issued to.")
			return
		}
		clientID, hinted = c.Azp, true
	}
	redirect := q.Get("post_logout_redirect_uri")
	if redirect != "" {
		if clientID == "" {
			errorPage(w, http.StatusBadRequest, "post_logout_redirect_uri needs client_id or id_token_hint.")
			return
		}
		c, err := p.lookupClient(r.Context(), clientID)
		var ce *clientError
		switch {
		case errors.As(err, &ce):
			errorPage(w, http.StatusBadRequest, ce.msg)
			return
		case err != nil:
			p.internalError(w, r, err)
			return
		case !slices.Contains(c.PostLogoutRedirectURIs, redirect):
			errorPage(w, http.StatusBadRequest, "post_logout_redirect_uri is not one of the client's registered ones.")
			return
		}
	}
	confirmed := r.Method == http.MethodPost && q.Get("confirm") == "yes" && r.Header.Get("Origin") == p.origin()
	if !hinted && !confirmed {
		pageHeaders(w)
		logoutTemplate.Execute(w, logoutView{Action: p.urls.endSession, Params: q})
		return
	}
	p.users.Logout(w, r)
	if redirect == "" {
		pageHeaders(w)
		loggedOutTemplate.Execute(w, nil)
		return
	}
	u, _ := url.Parse(redirect)
	if state := q.Get("state"); state != "" {
		v := u.Query()
		v.Set("state", state)
		u.RawQuery = v.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

type logoutView struct {
	Action string
	Params url.Values
}

var logoutTemplate = template.Must(template.New("logout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log out?</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>Log out?</h1>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Params}}{{if ne $k "confirm"}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}
{{end}}<p><button type="submit" name="confirm" value="yes">Log out</button></p>
</form>
</body></html>
`))

var loggedOutTemplate = template.Must(template.New("loggedout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Logged out</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>You are logged out.</h1>
</body></html>
`))
