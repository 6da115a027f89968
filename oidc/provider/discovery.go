package provider

import (
	"encoding/json"
	"net/http"
)

// proofAlgs are the DPoP proof algorithms accepted (RFC 9449 §4.2: only
// asymmetric ones).
var proofAlgs = []string{"ES256", "ES384", "ES512", "EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}

// discovery is the OpenID Provider Metadata (OpenID Connect Discovery
// 1.0 §3, RFC 8414 §2, Solid-OIDC §Solid-OIDC Conformance Discovery).
type discovery struct {
	Issuer                     string   `json:"issuer"`
	AuthorizationEndpoint      string   `json:"authorization_endpoint"`
	TokenEndpoint              string   `json:"token_endpoint"`
	JWKSURI                    string   `json:"jwks_uri"`
	RegistrationEndpoint       string   `json:"registration_endpoint"`
	UserinfoEndpoint           string   `json:"userinfo_endpoint"`
	EndSessionEndpoint         string   `json:"end_session_endpoint"`
	ScopesSupported            []string `json:"scopes_supported"`
	ResponseTypesSupported     []string `json:"response_types_supported"`
	ResponseModesSupported     []string `json:"response_modes_supported"`
	GrantTypesSupported        []string `json:"grant_types_supported"`
	SubjectTypesSupported      []string `json:"subject_types_supported"`
	CodeChallengeMethods       []string `json:"code_challenge_methods_supported"`
	DPoPAlgs                   []string `json:"dpop_signing_alg_values_supported"`
	IDTokenAlgs                []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethods   []string `json:"token_endpoint_auth_methods_supported"`
	ClaimsSupported            []string `json:"claims_supported"`
	ClaimsParameterSupported   bool     `json:"claims_parameter_supported"`
	RequestParameterSupported  bool     `json:"request_parameter_supported"`
	RequestURIParameter        bool     `json:"request_uri_parameter_supported"`
	SolidOIDCSupported         string   `json:"solid_oidc_supported"`
	AuthorizationResponseIss   bool     `json:"authorization_response_iss_parameter_supported"`
	ClientIDMetadataDocSupport bool     `json:"client_id_metadata_document_supported"`
}

// scopesSupported are the scopes a client may ask for.
var scopesSupported = []string{"openid", "profile", "offline_access", "webid"}

func (p *Provider) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	d := discovery{
		Issuer:                     p.issuer,
		AuthorizationEndpoint:      p.urls.auth,
		TokenEndpoint:              p.urls.token,
		JWKSURI:                    p.urls.jwks,
		RegistrationEndpoint:       p.urls.reg,
		UserinfoEndpoint:           p.urls.userinfo,
		EndSessionEndpoint:         p.urls.endSession,
		ScopesSupported:            scopesSupported,
		ResponseTypesSupported:     []string{"code"},
		ResponseModesSupported:     []string{"query"},
		GrantTypesSupported:        []string{"authorization_code", "refresh_token", "client_credentials"},
		SubjectTypesSupported:      []string{"public"},
		CodeChallengeMethods:       []string{"S256"},
		DPoPAlgs:                   proofAlgs,
		IDTokenAlgs:                []string{"ES256"},
		TokenEndpointAuthMethods:   []string{"none", "client_secret_basic", "client_secret_post"},
		ClaimsSupported:            []string{"sub", "webid", "iss", "aud", "azp", "exp", "iat", "nonce", "cnf", "client_id"},
		SolidOIDCSupported:         "https://solidproject.org/TR/solid-oidc",
		AuthorizationResponseIss:   true,
		ClientIDMetadataDocSupport: true,
	}
	writeJSON(w, http.StatusOK, d, "public, max-age=300")
}

func (p *Provider) serveJWKS(w http.ResponseWriter, r *http.Request) {
	set, err := p.PublicKeys(r.Context())
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	// Short: a rotated key must reach verifiers before it signs.
	w.Header().Set("Cache-Control", "public, max-age=60")
	json.NewEncoder(w).Encode(set)
}

// writeJSON answers status with v as JSON and the given Cache-Control.
func writeJSON(w http.ResponseWriter, status int, v any, cacheControl string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", cacheControl)
	if cacheControl == "no-store" {
		w.Header().Set("Pragma", "no-cache")
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
