package account

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

//go:embed templates
var templateFS embed.FS

// pages are the HTML pages, each the layout around its "content".
var pages = func() map[string]*template.Template {
	layout := template.Must(template.ParseFS(templateFS, "templates/layout.html"))
	m := map[string]*template.Template{}
	for _, name := range []string{"login", "signup", "logout", "password", "account", "message"} {
		m[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return m
}()

var styleCSS = func() []byte {
	b, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		panic(err)
	}
	return b
}()

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(styleCSS)
}

// pagePaths are the form actions and links of the pages.
type pagePaths struct {
	CSS, Overview, Login, SignUp, Logout, Password, CreatePod, CreateClient, DeleteClient string
}

// page is what a template sees.
type page struct {
	Title       string
	P           pagePaths
	Base        string
	CSRF        string
	Error       string
	Notice      string
	ReturnTo    string
	Email       string
	PodName     string
	Name        string
	MinPassword int
	Account     *Account
	NewClient   *newClient
	LoginLink   string
	SignUpLink  string
}

type newClient struct{ ClientID, Secret string }

// notices are the messages a redirect after a successful post may ask
// for (?done=...): fixed texts, so a link cannot make the page say
// anything else.
var notices = map[string]string{
	"pod":      "Your pod was created.",
	"deleted":  "The client credentials were deleted.",
	"password": "Your password was changed; other browsers and tokens were logged out.",
	"signup":   "Welcome! Your account and pod are ready.",
}

// maxFormBody bounds a form post.
const maxFormBody = 64 << 10

// servePage answers the HTML pages and their form posts; it returns false
// for paths that are not pages (the JSON API answers those).
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, rest string) bool {
	switch rest {
	case "", "login/", "signup/", "logout/", "password/", "pods/", "credentials/", "credentials/delete/":
	case "login/password/":
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			target := h.path("login/")
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return true
		}
		return false
	default:
		if strings.HasPrefix(rest, "account/") && r.Method == http.MethodGet {
			http.Redirect(w, r, h.path(""), http.StatusSeeOther)
			return true
		}
		return false
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
	hdr.Set("X-Frame-Options", "DENY")

	a, tok := h.sessionFromCookie(r)
	p := &page{
		Base: h.base, MinPassword: MinPasswordLength, Account: a,
		P: pagePaths{
			CSS: h.path("style.css"), Overview: h.path(""), Login: h.path("login/"), SignUp: h.path("signup/"),
			Logout: h.path("logout/"), Password: h.path("password/"), CreatePod: h.path("pods/"),
			CreateClient: h.path("credentials/"), DeleteClient: h.path("credentials/delete/"),
		},
	}
	post := r.Method == http.MethodPost
	if !post && r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return true
	}
	binding := tok
	if post {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "the form could not be read", http.StatusBadRequest)
			return true
		}
		if binding == "" {
			if c, err := r.Cookie(csrfCookie); err == nil {
				binding = c.Value
			}
		}
		if !h.checkCSRF(r, binding) {
			h.log.Info("account: refused a form post (CSRF)", "path", r.URL.Path)
			p.Title, p.Error = "Form refused", "This form expired or came from another site. Go back, reload the page and try again."
			h.render(w, http.StatusForbidden, "message", p)
			return true
		}
	} else {
		if binding == "" {
			binding = h.preBinding(w, r)
		}
	}
	csrf, err := h.csrfToken(r.Context(), binding)
	if err != nil {
		h.log.Error("account: CSRF key", "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return true
	}
	p.CSRF = csrf
	p.ReturnTo = safeReturnTo(r.FormValue("returnTo"))
	p.LoginLink, p.SignUpLink = h.withReturn("login/", p.ReturnTo), h.withReturn("signup/", p.ReturnTo)

	switch rest {
	case "":
		h.pageOverview(w, r, p)
	case "login/":
		h.pageLogin(w, r, p)
	case "signup/":
		h.pageSignUp(w, r, p)
	case "logout/":
		h.pageLogout(w, r, p)
	case "password/":
		h.pagePassword(w, r, p)
	case "pods/", "credentials/", "credentials/delete/":
		if !post {
			http.Redirect(w, r, h.path(""), http.StatusSeeOther)
			return true
		}
		h.pageAccountForm(w, r, p, rest)
	}
	return true
}

// withReturn is the page path p carrying returnTo along.
func (h *Handler) withReturn(p, returnTo string) string {
	if returnTo == "" {
		return h.path(p)
	}
	return h.path(p) + "?returnTo=" + url.QueryEscape(returnTo)
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, p *page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages[name].ExecuteTemplate(w, "layout", p); err != nil {
		h.log.Error("account: render", "page", name, "err", err)
	}
}

// renderError shows page name again with the error's message and status.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, name string, p *page, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		h.log.Error("account page", "path", r.URL.Path, "err", err)
	}
	if status == http.StatusTooManyRequests {
		var rl errRateLimited
		errors.As(err, &rl)
		w.Header().Set("Retry-After", itoa(int(rl.retry.Seconds())+1))
	}
	p.Error = msg
	h.render(w, status, name, p)
}

func itoa(n int) string { return strconv.Itoa(n) }

// redirectAfter sends the browser to returnTo, or the overview with a
// notice.
func (h *Handler) redirectAfter(w http.ResponseWriter, r *http.Request, returnTo, done string) {
	if returnTo == "" {
		returnTo = h.path("")
		if done != "" {
			returnTo += "?done=" + done
		}
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

func (h *Handler) pageOverview(w http.ResponseWriter, r *http.Request, p *page) {
	if p.Account == nil {
		http.Redirect(w, r, h.withReturn("login/", ""), http.StatusSeeOther)
		return
	}
	p.Title = "Your account"
	p.Notice = notices[r.FormValue("done")]
	h.render(w, http.StatusOK, "account", p)
}

func (h *Handler) pageLogin(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = "Log in"
	if r.Method != http.MethodPost {
		h.render(w, http.StatusOK, "login", p)
		return
	}
	p.Email = r.PostFormValue("email")
	a, err := h.authenticate(r, p.Email, r.PostFormValue("password"))
	if err != nil {
		h.renderError(w, r, "login", p, err)
		return
	}
	if _, err := h.login(r.Context(), w, a, r.PostFormValue("remember") != ""); err != nil {
		h.renderError(w, r, "login", p, err)
		return
	}
	h.redirectAfter(w, r, p.ReturnTo, "")
}

func (h *Handler) pageSignUp(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = "Sign up"
	if r.Method != http.MethodPost {
		h.render(w, http.StatusOK, "signup", p)
		return
	}
	p.Email, p.PodName, p.Name = r.PostFormValue("email"), r.PostFormValue("pod"), r.PostFormValue("name")
	if err := h.allowSignUp(r); err != nil {
		h.renderError(w, r, "signup", p, err)
		return
	}
	a, err := h.svc.SignUp(r.Context(), SignUpRequest{Email: p.Email, Password: r.PostFormValue("password"), Pod: p.PodName, Name: p.Name})
	if err != nil {
		h.renderError(w, r, "signup", p, err)
		return
	}
	if _, err := h.login(r.Context(), w, a, false); err != nil {
		h.renderError(w, r, "signup", p, err)
		return
	}
	h.redirectAfter(w, r, p.ReturnTo, "signup")
}

func (h *Handler) pageLogout(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = "Log out"
	if r.Method != http.MethodPost {
		h.render(w, http.StatusOK, "logout", p)
		return
	}
	h.Logout(w, r)
	if p.ReturnTo != "" {
		http.Redirect(w, r, p.ReturnTo, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, h.path("login/"), http.StatusSeeOther)
}

func (h *Handler) pagePassword(w http.ResponseWriter, r *http.Request, p *page) {
	if p.Account == nil {
		http.Redirect(w, r, h.withReturn("login/", h.path("password/")), http.StatusSeeOther)
		return
	}
	p.Title = "Change password"
	if r.Method != http.MethodPost {
		h.render(w, http.StatusOK, "password", p)
		return
	}
	a := p.Account
	if len(a.Logins) == 0 {
		h.renderError(w, r, "password", p, ErrNoLogin)
		return
	}
	email := a.Logins[0].Email
	if ok, retry := h.perEmail.allow("email " + hashKey(strings.ToLower(email))); !ok {
		h.renderError(w, r, "password", p, errRateLimited{retry})
		return
	}
	if err := h.svc.ChangePassword(r.Context(), a.ID, email, r.PostFormValue("old"), r.PostFormValue("new")); err != nil {
		if errors.Is(err, ErrBadLogin) {
			p.Error = "The current password is wrong."
			h.render(w, http.StatusForbidden, "password", p)
			return
		}
		h.renderError(w, r, "password", p, err)
		return
	}
	// Every session ended; this browser gets a fresh one.
	if _, err := h.login(r.Context(), w, a, false); err != nil {
		h.renderError(w, r, "password", p, err)
		return
	}
	h.redirectAfter(w, r, "", "password")
}

// pageAccountForm handles the forms of the overview page.
func (h *Handler) pageAccountForm(w http.ResponseWriter, r *http.Request, p *page, rest string) {
	a := p.Account
	if a == nil {
		http.Redirect(w, r, h.withReturn("login/", h.path("")), http.StatusSeeOther)
		return
	}
	p.Title = "Your account"
	ctx := r.Context()
	switch rest {
	case "pods/":
		p.PodName = r.PostFormValue("pod")
		if _, _, err := h.svc.CreatePod(ctx, a.ID, p.PodName, ""); err != nil {
			h.renderError(w, r, "account", p, err)
			return
		}
		h.redirectAfter(w, r, "", "pod")
	case "credentials/":
		c, secret, err := h.svc.CreateClientCredentials(ctx, a.ID, r.PostFormValue("name"), r.PostFormValue("webId"))
		if err != nil {
			h.renderError(w, r, "account", p, err)
			return
		}
		if p.Account, err = h.svc.Account(ctx, a.ID); err != nil {
			h.renderError(w, r, "account", p, err)
			return
		}
		p.NewClient = &newClient{ClientID: c.ClientID, Secret: secret}
		h.render(w, http.StatusCreated, "account", p)
	case "credentials/delete/":
		if err := h.svc.DeleteClientCredentials(ctx, a.ID, r.PostFormValue("id")); err != nil {
			h.renderError(w, r, "account", p, err)
			return
		}
		h.redirectAfter(w, r, "", "deleted")
	}
}
