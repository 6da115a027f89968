package account

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/seedpod/seedpod/ldp"
	"github.com/seedpod/seedpod/storage"
)

// Errors of the Service. Handlers map them to statuses.
var (
	// ErrBadLogin: unknown email or wrong password (never saying which).
	ErrBadLogin = errors.New("account: invalid email/password combination")
	// ErrEmailTaken: another login already uses the email.
	ErrEmailTaken = errors.New("account: there already is a login for this email address")
	// ErrBadEmail: not an email address.
	ErrBadEmail = errors.New("account: not a valid email address")
	// ErrNoLogin: the account has no login method yet (CSS: a pod needs one).
	ErrNoLogin = errors.New("account: an account needs at least 1 login method")
	// ErrNotFound: no such account, session, login, pod, WebID link or
	// client credentials.
	ErrNotFound = errors.New("account: not found")
	// ErrForeignWebID: the WebID does not belong to the account.
	ErrForeignWebID = errors.New("account: WebID does not belong to this account")
	// ErrBadName: a client credentials name that is too long or not text.
	ErrBadName = errors.New("account: a name has at most 100 printable characters")
)

// Storage layout. Keys under /.internal/ are never served over HTTP.
const (
	rootKey     = storage.Key("/.internal/accounts/")
	accountsKey = rootKey + "account/"
	emailsKey   = rootKey + "email/"
	sessionsKey = rootKey + "session/"
	clientsKey  = rootKey + "client/"
	secretsKey  = storage.Key("/.internal/secrets/")
	hmacKeyKey  = secretsKey + "account-hmac"
)

// maxRecord bounds what is read of one record.
const maxRecord = 1 << 20

// Account is an account record, stored as JSON at
// /.internal/accounts/account/{ID}. It is updated read-modify-write with
// IfMatch, so concurrent updates from several processes never lose one.
type Account struct {
	// ID identifies the account; random, stable for its lifetime.
	ID string `json:"id"`
	// Created is when the account was made.
	Created time.Time `json:"created"`
	// Epoch grows when the password changes: sessions made under an older
	// epoch are no longer valid.
	Epoch int `json:"epoch"`
	// Logins are the email+password logins of the account.
	Logins []Login `json:"logins,omitempty"`
	// Pods are the pods created by the account.
	Pods []Pod `json:"pods,omitempty"`
	// WebIDs are the WebIDs the account may log in as, in the order made.
	WebIDs []WebIDLink `json:"webIds,omitempty"`
	// Clients are the account's client credentials (never the secrets).
	Clients []Client `json:"clients,omitempty"`

	etag string
}

// Login is an email+password login of an account. The hash lives in the
// email record, not here.
type Login struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// Pod is a pod an account created.
type Pod struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// URL is the pod's root container.
	URL string `json:"url"`
}

// WebIDLink links a WebID to an account.
type WebIDLink struct {
	ID    string `json:"id"`
	WebID string `json:"webId"`
}

// Client is a client credentials pair of an account (CSS v7: id
// "name_uuid"); the secret is shown once, when made.
type Client struct {
	// ID names the API resource of the credentials.
	ID string `json:"id"`
	// ClientID is the OAuth client_id.
	ClientID string `json:"clientId"`
	Name     string `json:"name,omitempty"`
	// WebID is who tokens for the client speak for.
	WebID string `json:"webId"`
}

// WebIDList returns the WebIDs of a, in order.
func (a *Account) WebIDList() []string {
	out := make([]string, len(a.WebIDs))
	for i, w := range a.WebIDs {
		out[i] = w.WebID
	}
	return out
}

func (a *Account) hasWebID(webID string) bool {
	for _, w := range a.WebIDs {
		if w.WebID == webID {
			return true
		}
	}
	return false
}

// emailRecord is the login of one email, at /.internal/accounts/email/
// {sha256 of the lowercased email}: made with IfNoneMatch "*", so two
// processes can never give one email to two accounts.
type emailRecord struct {
	Account string `json:"account"`
	Login   string `json:"login"`
	Email   string `json:"email"`
	Hash    string `json:"hash"`
}

// sessionRecord is a browser session or account token, at
// /.internal/accounts/session/{sha256 of the token}.
type sessionRecord struct {
	Account string    `json:"account"`
	Epoch   int       `json:"epoch"`
	Expires time.Time `json:"expires"`
}

// clientRecord is a client credentials pair, at
// /.internal/accounts/client/{sha256 of the client id}.
type clientRecord struct {
	Account string `json:"account"`
	WebID   string `json:"webId"`
	// Secret is the hex SHA-256 of the secret: a 256-bit random secret
	// needs no slow hash.
	Secret string `json:"secret"`
}

// Service keeps accounts in a storage.Store. It is safe for concurrent
// use, also by several processes sharing the store.
type Service struct {
	store storage.Store
	base  string // with trailing slash; also the issuer
	pw    *hasher

	mu    sync.Mutex
	ready bool // the containers exist
}

// NewService returns a Service over store for the server at baseURL (an
// absolute http(s) URL; the issuer written in new profiles).
func NewService(store storage.Store, baseURL string) (*Service, error) {
	if store == nil {
		return nil, errors.New("account: a store is required")
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("account: base URL %q must be an absolute http(s) URL", baseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return &Service{store: store, base: u.String(), pw: newHasher(0)}, nil
}

// BaseURL returns the base URL, with a trailing slash.
func (s *Service) BaseURL() string { return s.base }

// setup makes the containers of the layout, once per process; every
// process may do it (IfNoneMatch "*", a lost race is fine).
func (s *Service) setup(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready {
		return nil
	}
	for _, c := range []storage.Key{"/.internal/", rootKey, accountsKey, emailsKey, sessionsKey, clientsKey, secretsKey} {
		if _, err := s.store.Put(ctx, c, nil, "", storage.Conditions{IfNoneMatch: "*"}); err != nil && !errors.Is(err, storage.ErrPrecondition) {
			return fmt.Errorf("account: setup: %w", err)
		}
	}
	s.ready = true
	return nil
}

// hashKey is the hex SHA-256 of s, used to name records after values that
// are secret (tokens) or not valid in a key (emails, client ids).
func hashKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// emailKey names the login record of email (case-insensitive).
func emailKey(email string) storage.Key {
	return emailsKey + storage.Key(hashKey(strings.ToLower(strings.TrimSpace(email))))
}

// readJSON reads the record at key into v and returns its ETag.
func (s *Service) readJSON(ctx context.Context, key storage.Key, v any) (string, error) {
	obj, err := s.store.Get(ctx, key)
	if err != nil {
		if errors.Is(err, storage.ErrNotExist) {
			return "", ErrNotFound
		}
		return "", err
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, maxRecord))
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return "", fmt.Errorf("account: record %s: %w", key, err)
	}
	return obj.Info().ETag, nil
}

// writeJSON writes v at key under cond.
func (s *Service) writeJSON(ctx context.Context, key storage.Key, v any, cond storage.Conditions) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.store.Put(ctx, key, bytes.NewReader(b), "application/json", cond)
	return err
}

// newID returns a random UUID.
func newID() string { return uuid.NewString() }

// randomToken returns n random bytes, hex-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateAccount makes an empty account (CSS: an account starts without
// logins; add one with AddPassword).
func (s *Service) CreateAccount(ctx context.Context) (*Account, error) {
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	a := &Account{ID: newID(), Created: time.Now().UTC().Truncate(time.Second), Epoch: 1}
	if err := s.writeJSON(ctx, accountsKey+storage.Key(a.ID), a, storage.Conditions{IfNoneMatch: "*"}); err != nil {
		return nil, fmt.Errorf("account: create: %w", err)
	}
	return s.Account(ctx, a.ID)
}

// Account reads the account id; ErrNotFound if there is none.
func (s *Service) Account(ctx context.Context, id string) (*Account, error) {
	if id == "" || !storage.ValidKey(accountsKey+storage.Key(id)) || strings.Contains(id, "/") {
		return nil, ErrNotFound
	}
	var a Account
	etag, err := s.readJSON(ctx, accountsKey+storage.Key(id), &a)
	if err != nil {
		return nil, err
	}
	a.etag = etag
	return &a, nil
}

// update applies fn to the current version of account id and writes it
// back if unchanged meanwhile, retrying otherwise.
func (s *Service) update(ctx context.Context, id string, fn func(*Account) error) (*Account, error) {
	for range 16 {
		a, err := s.Account(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := fn(a); err != nil {
			return nil, err
		}
		err = s.writeJSON(ctx, accountsKey+storage.Key(id), a, storage.Conditions{IfMatch: a.etag})
		if errors.Is(err, storage.ErrPrecondition) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("account: update: %w", err)
		}
		return s.Account(ctx, id)
	}
	return nil, fmt.Errorf("account: update %s: too much contention", id)
}

// normalizeEmail checks email and returns it trimmed.
func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if len(email) > 254 || !strings.Contains(email, "@") {
		return "", ErrBadEmail
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return "", ErrBadEmail
	}
	return email, nil
}

// AddPassword adds an email+password login to account id and returns it.
// The email must be unused (ErrEmailTaken), the password must keep the
// rules (ErrWeakPassword).
func (s *Service) AddPassword(ctx context.Context, id, email, password string) (Login, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return Login{}, err
	}
	if err := checkPassword(password); err != nil {
		return Login{}, err
	}
	if _, err := s.Account(ctx, id); err != nil {
		return Login{}, err
	}
	hash, err := s.pw.hash(ctx, password)
	if err != nil {
		return Login{}, err
	}
	login := Login{ID: newID(), Email: email}
	key := emailKey(email)
	rec := emailRecord{Account: id, Login: login.ID, Email: email, Hash: hash}
	if err := s.writeJSON(ctx, key, rec, storage.Conditions{IfNoneMatch: "*"}); err != nil {
		if errors.Is(err, storage.ErrPrecondition) {
			return Login{}, ErrEmailTaken
		}
		return Login{}, fmt.Errorf("account: add login: %w", err)
	}
	if _, err := s.update(ctx, id, func(a *Account) error {
		a.Logins = append(a.Logins, login)
		return nil
	}); err != nil {
		s.store.Delete(ctx, key, storage.Conditions{})
		return Login{}, err
	}
	return login, nil
}

// Authenticate checks an email and password and returns the account. An
// unknown email costs a dummy hash, so that its answer (ErrBadLogin) and
// its timing are those of a wrong password.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*Account, error) {
	var rec emailRecord
	_, err := s.readJSON(ctx, emailKey(email), &rec)
	if len(password) > MaxPasswordBytes {
		password = password[:MaxPasswordBytes]
	}
	if errors.Is(err, ErrNotFound) {
		if err := s.pw.verifyDummy(ctx, password); err != nil {
			return nil, err
		}
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.pw.verify(ctx, password, rec.Hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBadLogin
	}
	a, err := s.Account(ctx, rec.Account)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrBadLogin
	}
	return a, err
}

// ChangePassword sets a new password on the login email of account id
// after checking the old one, and ends every session of the account.
func (s *Service) ChangePassword(ctx context.Context, id, email, oldPassword, newPassword string) error {
	if err := checkPassword(newPassword); err != nil {
		return err
	}
	key := emailKey(email)
	for range 16 {
		var rec emailRecord
		etag, err := s.readJSON(ctx, key, &rec)
		if err != nil {
			return err
		}
		if rec.Account != id {
			return ErrNotFound
		}
		ok, err := s.pw.verify(ctx, oldPassword, rec.Hash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrBadLogin
		}
		if rec.Hash, err = s.pw.hash(ctx, newPassword); err != nil {
			return err
		}
		err = s.writeJSON(ctx, key, rec, storage.Conditions{IfMatch: etag})
		if errors.Is(err, storage.ErrPrecondition) {
			continue
		}
		if err != nil {
			return fmt.Errorf("account: change password: %w", err)
		}
		_, err = s.update(ctx, id, func(a *Account) error {
			a.Epoch++
			return nil
		})
		return err
	}
	return errors.New("account: change password: too much contention")
}

// PodURL returns the URL of the pod name and the WebID of its owner.
func (s *Service) PodURL(name string) (pod, webID string) {
	pod = s.base + name + "/"
	return pod, pod + "profile/card#me"
}

// CreatePod makes the pod name for account id, provisioned with a WebID
// profile (ldp.CreatePod) giving the owner's displayName as foaf:name if
// it is not empty, and links its WebID to the account. The name must be
// valid (ldp.ErrBadPodName) and free (ldp.ErrPodExists); the account
// needs a login first (ErrNoLogin).
func (s *Service) CreatePod(ctx context.Context, id, name, displayName string) (Pod, WebIDLink, error) {
	if err := checkName(displayName); err != nil {
		return Pod{}, WebIDLink{}, err
	}
	a, err := s.Account(ctx, id)
	if err != nil {
		return Pod{}, WebIDLink{}, err
	}
	if len(a.Logins) == 0 {
		return Pod{}, WebIDLink{}, ErrNoLogin
	}
	podURL, webID := s.PodURL(name)
	if _, err := ldp.CreatePod(ctx, s.store, name, ldp.PodOptions{Owner: webID, Profile: &ldp.Profile{Issuer: s.base, Name: strings.TrimSpace(displayName)}}); err != nil {
		return Pod{}, WebIDLink{}, err
	}
	pod := Pod{ID: newID(), Name: name, URL: podURL}
	link := WebIDLink{ID: newID(), WebID: webID}
	if _, err := s.update(ctx, id, func(a *Account) error {
		a.Pods = append(a.Pods, pod)
		a.WebIDs = append(a.WebIDs, link)
		return nil
	}); err != nil {
		return Pod{}, WebIDLink{}, err
	}
	return pod, link, nil
}

// CreateClientCredentials makes a client id and secret with which scripts
// get tokens for webID, which must be one of the account's WebIDs
// (ErrForeignWebID). The secret is returned once and stored hashed.
func (s *Service) CreateClientCredentials(ctx context.Context, id, name, webID string) (c Client, secret string, err error) {
	if err := checkName(name); err != nil {
		return Client{}, "", err
	}
	a, err := s.Account(ctx, id)
	if err != nil {
		return Client{}, "", err
	}
	if !a.hasWebID(webID) {
		return Client{}, "", ErrForeignWebID
	}
	c = Client{ID: newID(), ClientID: name + "_" + newID(), Name: name, WebID: webID}
	secret = randomToken(64)
	rec := clientRecord{Account: id, WebID: webID, Secret: hashKey(secret)}
	key := clientsKey + storage.Key(hashKey(c.ClientID))
	if err := s.writeJSON(ctx, key, rec, storage.Conditions{IfNoneMatch: "*"}); err != nil {
		return Client{}, "", fmt.Errorf("account: client credentials: %w", err)
	}
	if _, err := s.update(ctx, id, func(a *Account) error {
		a.Clients = append(a.Clients, c)
		return nil
	}); err != nil {
		s.store.Delete(ctx, key, storage.Conditions{})
		return Client{}, "", err
	}
	return c, secret, nil
}

// DeleteClientCredentials removes the client credentials resource of
// account id; ErrNotFound if it has none by that id.
func (s *Service) DeleteClientCredentials(ctx context.Context, id, resource string) error {
	var gone Client
	_, err := s.update(ctx, id, func(a *Account) error {
		for i, c := range a.Clients {
			if c.ID == resource {
				gone = c
				a.Clients = append(a.Clients[:i], a.Clients[i+1:]...)
				return nil
			}
		}
		return ErrNotFound
	})
	if err != nil {
		return err
	}
	err = s.store.Delete(ctx, clientsKey+storage.Key(hashKey(gone.ClientID)), storage.Conditions{})
	if err != nil && !errors.Is(err, storage.ErrNotExist) {
		return fmt.Errorf("account: delete client credentials: %w", err)
	}
	return nil
}

// CheckClientCredentials returns the WebID of the client id if secret is
// its secret, and ErrBadLogin otherwise (an unknown id or a wrong secret
// alike).
func (s *Service) CheckClientCredentials(ctx context.Context, clientID, secret string) (string, error) {
	var rec clientRecord
	_, err := s.readJSON(ctx, clientsKey+storage.Key(hashKey(clientID)), &rec)
	if errors.Is(err, ErrNotFound) {
		return "", ErrBadLogin
	}
	if err != nil {
		return "", err
	}
	if subtle.ConstantTimeCompare([]byte(hashKey(secret)), []byte(rec.Secret)) != 1 {
		return "", ErrBadLogin
	}
	return rec.WebID, nil
}

// checkName checks a name given by a person (of client credentials, or
// their own): at most 100 characters, no control characters.
func checkName(name string) error {
	if utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return ErrBadName
	}
	return nil
}

// SignUpRequest is what a person gives to sign up.
type SignUpRequest struct {
	Email, Password string
	// Pod is the name of the pod to create.
	Pod string
	// Name, optional, is the person's name, written in the profile.
	Name string
}

// SignUp makes an account with an email+password login and a pod, all or
// nothing: when the pod cannot be made, the login and the account are
// removed again.
func (s *Service) SignUp(ctx context.Context, req SignUpRequest) (*Account, error) {
	email, password, podName := req.Email, req.Password, req.Pod
	if err := checkName(req.Name); err != nil {
		return nil, err
	}
	if _, err := normalizeEmail(email); err != nil {
		return nil, err
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	if !ldp.ValidPodName(podName) {
		return nil, fmt.Errorf("%w %q: %s", ldp.ErrBadPodName, podName, ldp.PodNameRule)
	}
	if _, err := s.store.Stat(ctx, storage.Key("/"+podName+"/")); err == nil {
		return nil, fmt.Errorf("%w: %s", ldp.ErrPodExists, podName)
	}
	a, err := s.CreateAccount(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.AddPassword(ctx, a.ID, email, password); err != nil {
		s.store.Delete(ctx, accountsKey+storage.Key(a.ID), storage.Conditions{})
		return nil, err
	}
	if _, _, err := s.CreatePod(ctx, a.ID, podName, req.Name); err != nil {
		s.store.Delete(ctx, emailKey(email), storage.Conditions{})
		s.store.Delete(ctx, accountsKey+storage.Key(a.ID), storage.Conditions{})
		return nil, err
	}
	return s.Account(ctx, a.ID)
}
