package account

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/seedpod/seedpod/ldp"
)

// The JSON API follows the Community Solid Server v7 account API
// (CommunitySolidServer documentation/markdown/usage/account/json-api.md):
// every answer carries "controls", the URLs of what can be done next, and
// requests authenticate with "Authorization: CSS-Account-Token <token>"
// or, from this server's own pages, the session cookie.

// apiVersion is the version CSS 7.2 reports.
const apiVersion = "0.5"

// maxJSONBody bounds a JSON request body.
const maxJSONBody = 64 << 10

// tokenScheme is the authorization scheme of account tokens.
const tokenScheme = "CSS-Account-Token"

type obj = map[string]any

// controls returns the control URLs for a (nil when not logged in), with
// CSS v7's keys.
func (h *Handler) controls(a *Account) obj {
	c := obj{
		"main":     obj{"index": h.url(""), "logins": h.url("login/")},
		"account":  obj{"create": h.url("account/")},
		"password": obj{"login": h.url("login/password/")},
		"html": obj{
			"main":     obj{"login": h.url("login/")},
			"password": obj{"register": h.url("signup/"), "login": h.url("login/")},
		},
	}
	if a == nil {
		return c
	}
	acc := h.url("account/" + a.ID + "/")
	account := c["account"].(obj)
	account["account"] = acc
	account["pod"] = acc + "pod/"
	account["webId"] = acc + "webid/"
	account["clientCredentials"] = acc + "client-credentials/"
	account["logout"] = acc + "logout/"
	c["password"].(obj)["create"] = acc + "login/password/"
	html := c["html"].(obj)
	html["password"].(obj)["change"] = h.url("password/")
	html["account"] = obj{
		"account":                 h.url(""),
		"createPod":               h.url(""),
		"createClientCredentials": h.url(""),
		"logout":                  h.url("logout/"),
	}
	return c
}

// reply writes body with the controls for a and the version.
func (h *Handler) reply(w http.ResponseWriter, a *Account, body obj) {
	if body == nil {
		body = obj{}
	}
	body["controls"] = h.controls(a)
	body["version"] = apiVersion
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

// cssErrorNames are the error names CSS gives each status.
var cssErrorNames = map[int]string{
	400: "BadRequestHttpError",
	401: "UnauthorizedHttpError",
	403: "ForbiddenHttpError",
	404: "NotFoundHttpError",
	405: "MethodNotAllowedHttpError",
	409: "ConflictHttpError",
	413: "PayloadHttpError",
	415: "UnsupportedMediaTypeHttpError",
	429: "TooManyRequestsHttpError",
	500: "InternalServerError",
}

// apiError writes an error as CSS does: {name, message, statusCode,
// errorCode, details}.
func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", tokenScheme)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(obj{
		"name": cssErrorNames[status], "message": msg, "statusCode": status,
		"errorCode": "H" + strconv.Itoa(status), "details": obj{},
	})
}

// statusOf maps an error of the Service to a status and a safe message.
func statusOf(err error) (int, string) {
	var rl errRateLimited
	switch {
	case errors.As(err, &rl):
		return http.StatusTooManyRequests, rl.Error()
	case errors.Is(err, ErrBadLogin):
		return http.StatusForbidden, "Invalid email/password combination."
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "Not found."
	case errors.Is(err, ldp.ErrPodExists):
		return http.StatusConflict, "There already is a pod by that name."
	case errors.Is(err, ErrEmailTaken):
		return http.StatusConflict, message(err)
	case errors.Is(err, ErrBadEmail), errors.Is(err, ErrWeakPassword), errors.Is(err, ldp.ErrBadPodName),
		errors.Is(err, ErrBadName), errors.Is(err, ErrNoLogin), errors.Is(err, ErrForeignWebID):
		return http.StatusBadRequest, message(err)
	}
	return http.StatusInternalServerError, "Internal server error."
}

// message is err's text without the package prefixes, as a sentence.
func message(err error) string {
	s := err.Error()
	for _, p := range []string{"account: ", "ldp: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// fail writes err as an API error, logging server errors.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		h.log.Error("account API", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusTooManyRequests {
		var rl errRateLimited
		errors.As(err, &rl)
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.retry.Seconds())+1))
	}
	apiError(w, status, msg)
}

// apiToken returns the account token of r: the CSS-Account-Token header,
// or the session cookie of a same-origin request.
func (h *Handler) apiToken(r *http.Request) string {
	if v := r.Header.Get("Authorization"); v != "" {
		scheme, tok, ok := strings.Cut(v, " ")
		if ok && strings.EqualFold(scheme, tokenScheme) {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if h.sameOrigin(r) {
		return cookieToken(r)
	}
	return ""
}

// decode reads a JSON object body into v. An empty body is an empty
// object. It writes the error and returns false on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			apiError(w, http.StatusUnsupportedMediaType, "The body must be application/json.")
			return false
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		apiError(w, http.StatusRequestEntityTooLarge, "The body is too large.")
		return false
	}
	if strings.TrimSpace(string(b)) == "" {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			apiError(w, http.StatusBadRequest, te.Field+" must be a "+jsonType(te.Type.Kind().String())+".")
		} else {
			apiError(w, http.StatusBadRequest, "The body must be a JSON object.")
		}
		return false
	}
	return true
}

func jsonType(kind string) string {
	if kind == "bool" {
		return "boolean"
	}
	return kind
}

// required reports a missing field as CSS does.
func required(w http.ResponseWriter, fields ...[2]string) bool {
	for _, f := range fields {
		if f[1] == "" {
			apiError(w, http.StatusBadRequest, f[0]+" is a required field")
			return false
		}
	}
	return true
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	apiError(w, http.StatusMethodNotAllowed, "Method not allowed; use "+allow+".")
}

// unsafeMethod reports whether the method changes state.
func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// serveAPI answers the JSON API. rest is the path under B.account/.
func (h *Handler) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	var (
		a   *Account
		tok = h.apiToken(r)
	)
	if tok != "" {
		a, _ = h.svc.SessionAccount(r.Context(), tok)
	}
	// A state-changing request carrying only the cookie must come from
	// this server's own pages.
	if a != nil && r.Header.Get("Authorization") == "" && unsafeMethod(r.Method) && !h.sameOrigin(r) {
		a = nil
	}
	switch rest {
	case "":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		h.reply(w, a, nil)
	case "account/":
		h.apiCreateAccount(w, r, a)
	case "login/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		h.reply(w, a, obj{"logins": obj{"password": h.url("login/password/")}})
	case "login/password/":
		h.apiLogin(w, r, a)
	default:
		parts := strings.Split(rest, "/")
		if len(parts) < 3 || parts[0] != "account" || parts[len(parts)-1] != "" {
			apiError(w, http.StatusNotFound, "Not found.")
			return
		}
		if a == nil {
			apiError(w, http.StatusUnauthorized, "Log in first: send the CSS-Account-Token header.")
			return
		}
		if parts[1] != a.ID {
			apiError(w, http.StatusForbidden, "This token is for another account.")
			return
		}
		h.apiAccount(w, r, a, tok, parts[2:len(parts)-1])
	}
}

// apiCreateAccount: POST account.create makes an empty account and logs
// it in.
func (h *Handler) apiCreateAccount(w http.ResponseWriter, r *http.Request, a *Account) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		h.reply(w, a, obj{})
		return
	}
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, HEAD, POST")
		return
	}
	var body struct{}
	if !decode(w, r, &body) {
		return
	}
	if err := h.allowSignUp(r); err != nil {
		h.fail(w, r, err)
		return
	}
	acc, err := h.svc.CreateAccount(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tok, err := h.login(r.Context(), w, acc, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.reply(w, acc, obj{"authorization": tok})
}

// apiLogin: GET describes password.login; POST logs in.
func (h *Handler) apiLogin(w http.ResponseWriter, r *http.Request, a *Account) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.reply(w, a, obj{"fields": obj{
			"email":    obj{"required": true, "type": "string"},
			"password": obj{"required": true, "type": "string"},
			"remember": obj{"required": false, "type": "boolean"},
		}})
		return
	case http.MethodPost:
	default:
		methodNotAllowed(w, "GET, HEAD, POST")
		return
	}
	var body struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Remember bool   `json:"remember"`
	}
	if !decode(w, r, &body) || !required(w, [2]string{"email", body.Email}, [2]string{"password", body.Password}) {
		return
	}
	acc, err := h.authenticate(r, body.Email, body.Password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tok, err := h.login(r.Context(), w, acc, body.Remember)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.reply(w, acc, obj{"authorization": tok})
}

// apiAccount answers the resources of account a; sub is the path after
// account/{id}/, split, without the trailing empty segment.
func (h *Handler) apiAccount(w http.ResponseWriter, r *http.Request, a *Account, tok string, sub []string) {
	acc := h.url("account/" + a.ID + "/")
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	key := strings.Join(sub, "/")
	switch {
	case key == "":
		if !get {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		h.reply(w, a, obj{})

	case key == "logout":
		if r.Method != http.MethodPost {
			methodNotAllowed(w, "POST")
			return
		}
		if err := h.svc.EndSession(r.Context(), tok); err != nil {
			h.fail(w, r, err)
			return
		}
		if cookieToken(r) == tok {
			h.clearSessionCookie(w)
		}
		h.reply(w, nil, obj{})

	case key == "login/password":
		switch {
		case get:
			logins := obj{}
			for _, l := range a.Logins {
				logins[l.Email] = acc + "login/password/" + l.ID + "/"
			}
			h.reply(w, a, obj{"fields": obj{
				"email":    obj{"required": true, "type": "string"},
				"password": obj{"required": true, "type": "string"},
			}, "passwordLogins": logins})
		case r.Method == http.MethodPost:
			var body struct {
				Email    string `json:"email"`
				Password string `json:"password"`
			}
			if !decode(w, r, &body) || !required(w, [2]string{"email", body.Email}, [2]string{"password", body.Password}) {
				return
			}
			if err := h.allowSignUp(r); err != nil {
				h.fail(w, r, err)
				return
			}
			l, err := h.svc.AddPassword(r.Context(), a.ID, body.Email, body.Password)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			a, _ = h.svc.Account(r.Context(), a.ID)
			h.reply(w, a, obj{"resource": acc + "login/password/" + l.ID + "/"})
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}

	case len(sub) == 3 && sub[0] == "login" && sub[1] == "password":
		var login *Login
		for i := range a.Logins {
			if a.Logins[i].ID == sub[2] {
				login = &a.Logins[i]
			}
		}
		if login == nil {
			apiError(w, http.StatusNotFound, "Not found.")
			return
		}
		switch {
		case get:
			h.reply(w, a, obj{"email": login.Email, "fields": obj{
				"oldPassword": obj{"required": true, "type": "string"},
				"newPassword": obj{"required": true, "type": "string"},
			}})
		case r.Method == http.MethodPost:
			var body struct {
				OldPassword string `json:"oldPassword"`
				NewPassword string `json:"newPassword"`
			}
			if !decode(w, r, &body) || !required(w, [2]string{"oldPassword", body.OldPassword}, [2]string{"newPassword", body.NewPassword}) {
				return
			}
			if ok, retry := h.perEmail.allow("email " + hashKey(strings.ToLower(login.Email))); !ok {
				h.fail(w, r, errRateLimited{retry})
				return
			}
			if err := h.svc.ChangePassword(r.Context(), a.ID, login.Email, body.OldPassword, body.NewPassword); err != nil {
				h.fail(w, r, err)
				return
			}
			// Every session ended, this one too (CSS keeps the others;
			// we do not: a changed password should lock out a thief).
			h.clearSessionCookie(w)
			h.reply(w, nil, obj{})
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}

	case key == "pod":
		switch {
		case get:
			pods := obj{}
			for _, p := range a.Pods {
				pods[p.URL] = acc + "pod/" + p.ID + "/"
			}
			h.reply(w, a, obj{"fields": obj{"name": obj{"required": true, "type": "string"}}, "pods": pods})
		case r.Method == http.MethodPost:
			var body struct {
				Name string `json:"name"`
			}
			if !decode(w, r, &body) || !required(w, [2]string{"name", body.Name}) {
				return
			}
			p, link, err := h.svc.CreatePod(r.Context(), a.ID, body.Name, "")
			if err != nil {
				h.fail(w, r, err)
				return
			}
			a, _ = h.svc.Account(r.Context(), a.ID)
			h.reply(w, a, obj{"pod": p.URL, "webId": link.WebID, "podResource": acc + "pod/" + p.ID + "/", "webIdResource": acc + "webid/" + link.ID + "/"})
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}

	case len(sub) == 2 && sub[0] == "pod":
		for _, p := range a.Pods {
			if p.ID != sub[1] {
				continue
			}
			if !get {
				methodNotAllowed(w, "GET, HEAD")
				return
			}
			_, webID := h.svc.PodURL(p.Name)
			h.reply(w, a, obj{"baseUrl": p.URL, "owners": []obj{{"webId": webID, "visible": false}}})
			return
		}
		apiError(w, http.StatusNotFound, "Not found.")

	case key == "webid":
		if !get {
			// CSS links WebIDs of other servers after checking they
			// name this issuer; Seedpod does not (yet): a WebID comes
			// with a pod.
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		links := obj{}
		for _, l := range a.WebIDs {
			links[l.WebID] = acc + "webid/" + l.ID + "/"
		}
		h.reply(w, a, obj{"fields": obj{"webId": obj{"required": true, "type": "string"}}, "webIdLinks": links})

	case len(sub) == 2 && sub[0] == "webid":
		for _, l := range a.WebIDs {
			if l.ID == sub[1] {
				if !get {
					methodNotAllowed(w, "GET, HEAD")
					return
				}
				h.reply(w, a, obj{"webId": l.WebID})
				return
			}
		}
		apiError(w, http.StatusNotFound, "Not found.")

	case key == "client-credentials":
		switch {
		case get:
			creds := obj{}
			for _, c := range a.Clients {
				creds[c.ClientID] = acc + "client-credentials/" + c.ID + "/"
			}
			h.reply(w, a, obj{"fields": obj{
				"name":  obj{"required": false, "type": "string"},
				"webId": obj{"required": true, "type": "string"},
			}, "clientCredentials": creds})
		case r.Method == http.MethodPost:
			var body struct {
				Name  string `json:"name"`
				WebID string `json:"webId"`
			}
			if !decode(w, r, &body) || !required(w, [2]string{"webId", body.WebID}) {
				return
			}
			c, secret, err := h.svc.CreateClientCredentials(r.Context(), a.ID, body.Name, body.WebID)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			a, _ = h.svc.Account(r.Context(), a.ID)
			h.reply(w, a, obj{"id": c.ClientID, "secret": secret, "resource": acc + "client-credentials/" + c.ID + "/"})
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}

	case len(sub) == 2 && sub[0] == "client-credentials":
		for _, c := range a.Clients {
			if c.ID != sub[1] {
				continue
			}
			switch {
			case get:
				h.reply(w, a, obj{"id": c.ClientID, "webId": c.WebID})
			case r.Method == http.MethodDelete:
				if err := h.svc.DeleteClientCredentials(r.Context(), a.ID, c.ID); err != nil {
					h.fail(w, r, err)
					return
				}
				a, _ = h.svc.Account(r.Context(), a.ID)
				h.reply(w, a, obj{})
			default:
				methodNotAllowed(w, "GET, HEAD, DELETE")
			}
			return
		}
		apiError(w, http.StatusNotFound, "Not found.")

	default:
		apiError(w, http.StatusNotFound, "Not found.")
	}
}
