package provider

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/seedpod/seedpod/storage"
)

// maxForm bounds request bodies of the registration and token endpoints.
const maxForm = 64 << 10

// registration is the client metadata a registration request may hold
// (RFC 7591 §2, OpenID Connect Dynamic Client Registration 1.0 §2). Other
// members are ignored.
type registration struct {
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
	ClientName             string   `json:"client_name"`
	ClientURI              string   `json:"client_uri"`
	AuthMethod             *string  `json:"token_endpoint_auth_method"`
	GrantTypes             []string `json:"grant_types"`
	ResponseTypes          []string `json:"response_types"`
	Scope                  string   `json:"scope"`
	IDTokenAlg             string   `json:"id_token_signed_response_alg"`
}

// registrationResponse is RFC 7591 §3.2.1.
type registrationResponse struct {
	ClientID               string   `json:"client_id"`
	ClientSecret           string   `json:"client_secret,omitempty"`
	ClientIDIssuedAt       int64    `json:"client_id_issued_at"`
	ClientSecretExpiresAt  *int64   `json:"client_secret_expires_at,omitempty"`
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	ClientName             string   `json:"client_name,omitempty"`
	ClientURI              string   `json:"client_uri,omitempty"`
	AuthMethod             string   `json:"token_endpoint_auth_method"`
	GrantTypes             []string `json:"grant_types"`
	ResponseTypes          []string `json:"response_types"`
	Scope                  string   `json:"scope,omitempty"`
	IDTokenAlg             string   `json:"id_token_signed_response_alg"`
}

// serveRegister is dynamic client registration (RFC 7591 §3).
func (p *Provider) serveRegister(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		p.writeOAuthError(w, r, badRequest("invalid_client_metadata", "the body must be application/json"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxForm))
	if err != nil {
		p.writeOAuthError(w, r, badRequest("invalid_client_metadata", "the body is too large or unreadable"))
		return
	}
	var reg registration
	if err := json.Unmarshal(body, &reg); err != nil {
		p.writeOAuthError(w, r, badRequest("invalid_client_metadata", "the body is not a JSON object of client metadata"))
		return
	}
	c, err := newRegisteredClient(reg)
	if err != nil {
		p.writeOAuthError(w, r, err)
		return
	}
	c.ID = randomToken(18)
	c.IssuedAt = p.now().Unix()
	resp := registrationResponse{
		ClientID: c.ID, ClientIDIssuedAt: c.IssuedAt,
		RedirectURIs: c.RedirectURIs, PostLogoutRedirectURIs: c.PostLogoutRedirectURIs,
		ClientName: c.Name, ClientURI: c.URI, AuthMethod: c.AuthMethod,
		GrantTypes: c.GrantTypes, ResponseTypes: []string{"code"}, Scope: c.Scope, IDTokenAlg: "ES256",
	}
	if !c.public() {
		resp.ClientSecret = randomToken(32)
		c.SecretHash = digest(resp.ClientSecret)
		never := int64(0)
		resp.ClientSecretExpiresAt = &never
	}
	if _, err := p.putJSON(r.Context(), storage.Key(clientsPrefix+digest(c.ID)), c, storage.Conditions{IfNoneMatch: "*"}); err != nil {
		p.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, resp, "no-store")
}

// newRegisteredClient checks registration metadata and applies the
// defaults of RFC 7591 §2.
func newRegisteredClient(reg registration) (*client, error) {
	if err := validURIs("redirect_uris", reg.RedirectURIs, true); err != nil {
		return nil, badRequest("invalid_redirect_uri", err.Error())
	}
	if err := validURIs("post_logout_redirect_uris", reg.PostLogoutRedirectURIs, false); err != nil {
		return nil, badRequest("invalid_client_metadata", err.Error())
	}
	method := "client_secret_basic"
	if reg.AuthMethod != nil {
		method = *reg.AuthMethod
	}
	if !slices.Contains([]string{"none", "client_secret_basic", "client_secret_post"}, method) {
		return nil, badRequest("invalid_client_metadata", "token_endpoint_auth_method must be none, client_secret_basic or client_secret_post")
	}
	grants := reg.GrantTypes
	if len(grants) == 0 {
		grants = []string{"authorization_code"}
	}
	for _, g := range grants {
		if g != "authorization_code" && g != "refresh_token" {
			return nil, badRequest("invalid_client_metadata", "grant_types may hold authorization_code and refresh_token")
		}
	}
	for _, rt := range reg.ResponseTypes {
		if rt != "code" {
			return nil, badRequest("invalid_client_metadata", "response_types may only hold code")
		}
	}
	if reg.IDTokenAlg != "" && reg.IDTokenAlg != "ES256" {
		return nil, badRequest("invalid_client_metadata", "id_token_signed_response_alg must be ES256")
	}
	if len(reg.ClientName) > 200 || len(reg.ClientURI) > maxURILength || len(reg.Scope) > 1000 {
		return nil, badRequest("invalid_client_metadata", "client_name, client_uri or scope is too long")
	}
	return &client{
		Name: reg.ClientName, URI: reg.ClientURI,
		RedirectURIs: reg.RedirectURIs, PostLogoutRedirectURIs: reg.PostLogoutRedirectURIs,
		AuthMethod: method, GrantTypes: grants, Scope: reg.Scope,
	}, nil
}
