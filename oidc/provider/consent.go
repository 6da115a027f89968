package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// consentRecord remembers that an account allowed a client to log in as
// one of its WebIDs with some scopes.
type consentRecord struct {
	WebID  string    `json:"webid"`
	Scopes []string  `json:"scopes"`
	Given  time.Time `json:"given"`
}

func consentKey(accountID, clientID string) storage.Key {
	return storage.Key(consentsPrefix + digest(accountID) + "/" + digest(clientID))
}

// rememberedConsent returns the WebID the account allowed the client to
// log in as, if it did so for at least the scopes asked now and the
// WebID is still the account's; else "".
func (p *Provider) rememberedConsent(ctx context.Context, sess Session, ar *authRequest) (string, error) {
	var rec consentRecord
	if _, err := p.getJSON(ctx, consentKey(sess.AccountID, ar.client.ID), &rec); err != nil {
		if errors.Is(err, storage.ErrNotExist) {
			return "", nil
		}
		return "", err
	}
	if !slices.Contains(sess.WebIDs, rec.WebID) {
		return "", nil
	}
	for _, s := range ar.scopes {
		if !slices.Contains(rec.Scopes, s) {
			return "", nil
		}
	}
	return rec.WebID, nil
}

// csrfTTL is how long a consent form may be submitted after it was shown.
const csrfTTL = 30 * time.Minute

// serveConsent shows the consent page (GET, the authorization request in
// the query) and takes its answer (POST, the request in a hidden field).
// The form's CSRF token is an HMAC, under a secret shared through the
// store, of the account, the request and an expiry: another site cannot
// forge it, and it is good for this account and request only.
func (p *Provider) serveConsent(w http.ResponseWriter, r *http.Request) {
	var q url.Values
	var err error
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if r.ParseForm() != nil {
			errorPage(w, http.StatusBadRequest, "The form is malformed or too large.")
			return
		}
		q, err = url.ParseQuery(r.PostForm.Get("request"))
	} else {
		q, err = url.ParseQuery(r.URL.RawQuery)
	}
	if err != nil {
		errorPage(w, http.StatusBadRequest, "The authorization request is malformed.")
		return
	}
	ar, err := p.parseAuthRequest(r.Context(), q)
	if p.authFailed(w, r, ar, err) {
		return
	}
	request := q.Encode()
	sess, ok := p.users.Session(r)
	if !ok {
		http.Redirect(w, r, p.users.LoginURL(p.paths.auth+"?"+request), http.StatusSeeOther)
		return
	}
	if len(sess.WebIDs) == 0 {
		errorPage(w, http.StatusForbidden, "Your account has no WebID yet: create a pod first, then log in again.")
		return
	}
	key, err := p.secret.get(r.Context())
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	if r.Method != http.MethodPost {
		checked := sess.WebIDs[0]
		if rec, err := p.rememberedConsent(r.Context(), Session{AccountID: sess.AccountID, WebIDs: sess.WebIDs}, &authRequest{client: ar.client}); err == nil && rec != "" {
			checked = rec
		}
		pageHeaders(w)
		consentTemplate.Execute(w, consentView{
			Action: p.urls.consent, ClientID: ar.client.ID, ClientName: ar.client.Name, ClientURI: safeLink(ar.client.URI),
			Scopes: ar.scopes, WebIDs: sess.WebIDs, Checked: checked, Request: request,
			CSRF: csrfToken(key, sess.AccountID, request, p.now().Add(csrfTTL)),
		})
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" && origin != p.origin() {
		errorPage(w, http.StatusForbidden, "The consent form was sent from another site.")
		return
	}
	if !checkCSRF(key, sess.AccountID, request, r.PostForm.Get("csrf"), p.now()) {
		errorPage(w, http.StatusForbidden, "The consent form expired or was not sent from this site; go back to the application and log in again.")
		return
	}
	switch r.PostForm.Get("decision") {
	case "allow":
	case "deny":
		p.redirectError(w, r, ar, &redirectError{"access_denied", "the user denied access"})
		return
	default:
		errorPage(w, http.StatusBadRequest, "Choose Allow or Deny.")
		return
	}
	webID := r.PostForm.Get("webid")
	if !slices.Contains(sess.WebIDs, webID) {
		errorPage(w, http.StatusBadRequest, "Choose one of your WebIDs.")
		return
	}
	rec := consentRecord{WebID: webID, Scopes: ar.scopes, Given: p.now().UTC()}
	if _, err := p.putJSON(r.Context(), consentKey(sess.AccountID, ar.client.ID), rec, storage.Conditions{}); err != nil {
		p.internalError(w, r, err)
		return
	}
	p.grant(w, r, ar, sess, webID)
}

// origin is the issuer's origin, as browsers send it in Origin.
func (p *Provider) origin() string { return p.base.Scheme + "://" + p.base.Host }

// safeLink returns s if it is an http(s) URL, else "" (so a client's
// metadata cannot put a javascript: link on the consent page).
func safeLink(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

// csrfToken is "expiry.mac" with mac = HMAC-SHA256(key, account, request,
// expiry).
func csrfToken(key []byte, account, request string, exp time.Time) string {
	e := strconv.FormatInt(exp.Unix(), 10)
	return e + "." + base64.RawURLEncoding.EncodeToString(csrfMAC(key, account, request, e))
}

func csrfMAC(key []byte, account, request, exp string) []byte {
	m := hmac.New(sha256.New, key)
	for _, s := range []string{"consent", account, request, exp} {
		m.Write([]byte(strconv.Itoa(len(s))))
		m.Write([]byte{':'})
		m.Write([]byte(s))
	}
	return m.Sum(nil)
}

func checkCSRF(key []byte, account, request, token string, now time.Time) bool {
	e, mac, ok := strings.Cut(token, ".")
	if !ok {
		return false
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	if err != nil || now.Unix() > exp {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	return err == nil && hmac.Equal(got, csrfMAC(key, account, request, e))
}
