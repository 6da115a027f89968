package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/seedpod/seedpod/storage"
)

// signingKeyKey holds the private JWK that signs webhook deliveries.
const signingKeyKey = notifyRoot + "signing-key"

// signer signs webhook deliveries with a key kept in storage, created by
// whichever process needs it first (a create-only Put decides the race).
type signer struct {
	store storage.Store
	mu    sync.Mutex
	key   jwk.Key // private
	pub   jwk.Set
}

// load returns the signing key, creating it on first use.
func (s *signer) load(ctx context.Context) (jwk.Key, jwk.Set, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, s.pub, nil
	}
	key, err := s.read(ctx)
	if errors.Is(err, storage.ErrNotExist) {
		key, err = s.create(ctx)
	}
	if err != nil {
		return nil, nil, err
	}
	pub, err := key.PublicKey()
	if err != nil {
		return nil, nil, err
	}
	set := jwk.NewSet()
	set.AddKey(pub)
	s.key, s.pub = key, set
	return key, set, nil
}

func (s *signer) read(ctx context.Context) (jwk.Key, error) {
	obj, err := s.store.Get(ctx, signingKeyKey)
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	data, err := io.ReadAll(io.LimitReader(obj, 16<<10))
	if err != nil {
		return nil, err
	}
	return jwk.ParseKey(data)
}

// create makes a P-256 key and stores it, unless another process stored
// one first, which is then used.
func (s *signer) create(ctx context.Context) (jwk.Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	key, err := jwk.FromRaw(priv)
	if err != nil {
		return nil, err
	}
	if err := jwk.AssignKeyID(key); err != nil {
		return nil, err
	}
	key.Set(jwk.AlgorithmKey, jwa.ES256)
	key.Set(jwk.KeyUsageKey, "sig")
	data, err := json.Marshal(key)
	if err != nil {
		return nil, err
	}
	if err := ensureContainers(ctx, s.store, internalRoot, notifyRoot); err != nil {
		return nil, err
	}
	_, err = s.store.Put(ctx, signingKeyKey, bytes.NewReader(data), "application/jwk+json", storage.Conditions{IfNoneMatch: "*"})
	if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrExist) {
		return s.read(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("notify: store signing key: %w", err)
	}
	return key, nil
}

// tokenTTL is how long a delivery's JWT is valid.
const tokenTTL = 5 * time.Minute

// sign returns the Authorization header value for a delivery of body to
// sendTo on channel channelID (see the package comment).
func (s *signer) sign(ctx context.Context, issuer, sendTo, channelID, jti string, body []byte) (string, error) {
	key, _, err := s.load(ctx)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	now := time.Now()
	if jti == "" {
		jti = "urn:uuid:" + uuid.NewString()
	}
	tok, err := jwt.NewBuilder().
		Issuer(issuer).
		Subject(channelID).
		Audience([]string{sendTo}).
		IssuedAt(now).
		Expiration(now.Add(tokenTTL)).
		JwtID(jti).
		Claim("body_sha256", base64.RawURLEncoding.EncodeToString(sum[:])).
		Build()
	if err != nil {
		return "", err
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256, key))
	if err != nil {
		return "", err
	}
	return "Bearer " + string(signed), nil
}

// serveJWKS publishes the public keys that sign webhook deliveries.
func (n *Notifier) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "OPTIONS, HEAD, GET")
		httpError(w, http.StatusMethodNotAllowed, "the key set is read-only")
		return
	}
	_, set, err := n.keys.load(r.Context())
	if err != nil {
		n.log.Error("notify: signing key", "err", err)
		httpError(w, http.StatusInternalServerError, "internal error")
		return
	}
	data, err := json.Marshal(set)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "max-age=300")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
