package ldp

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/seedpod/seedpod/storage"
)

// Profile describes the owner of a pod that CreatePod provisions for an
// account (PodOptions.Profile).
type Profile struct {
	// Issuer is the OpenID provider the owner logs in with, written as
	// solid:oidcIssuer in the profile (Solid-OIDC §5.1: the WebID profile
	// names the issuers that may vouch for it). Required, absolute.
	Issuer string
	// Name, if set, is written as the owner's foaf:name.
	Name string
}

// profileWebIDPath is where the owner's WebID lives in a provisioned pod,
// relative to the pod root.
const profileWebIDPath = "profile/card#me"

// provisioned is one resource of a new pod: a container (body "") or a
// Turtle document, with an optional ACL of its own.
type provisioned struct {
	key  string // relative to the pod root
	body string
	acl  string
}

// provision writes what Solid apps expect in a new pod owned by
// opt.Owner (the pod's own profile card): the WebID profile, publicly
// readable (Solid WebID Profile §3); an inbox anyone may append to but only
// the owner reads (LDN, as CSS and NSS do); settings with preferences and
// the type indexes (Solid Type Indexes); public/ and private/. Every IRI is
// relative, so the pod can move to another host.
func provision(ctx context.Context, store storage.Store, root storage.Key, opt PodOptions) error {
	p := opt.Profile
	if u, err := url.Parse(p.Issuer); err != nil || !u.IsAbs() || strings.ContainsAny(p.Issuer, "<>\"{}|^`\\ \n\r\t") {
		return fmt.Errorf("issuer %q is not an absolute URL", p.Issuer)
	}
	if !strings.HasSuffix(opt.Owner, string(root)+profileWebIDPath) {
		return fmt.Errorf("owner %q is not the WebID %s of the pod", opt.Owner, profileWebIDPath)
	}
	owner := func(up string) string {
		return fmt.Sprintf("<#owner> a acl:Authorization;\n  acl:agent <%s>;\n", ownerRef(root, opt, up))
	}
	const prefixes = "@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n@prefix foaf: <http://xmlns.com/foaf/0.1/>.\n\n"
	name := ""
	if p.Name != "" {
		name = ";\n  foaf:name " + turtleString(p.Name)
	}
	docs := []provisioned{
		{key: "profile/"},
		{
			key: "profile/card",
			body: `@prefix foaf: <http://xmlns.com/foaf/0.1/>.
@prefix schema: <http://schema.org/>.
@prefix solid: <http://www.w3.org/ns/solid/terms#>.
@prefix pim: <http://www.w3.org/ns/pim/space#>.
@prefix ldp: <http://www.w3.org/ns/ldp#>.

<> a foaf:PersonalProfileDocument;
  foaf:maker <#me>;
  foaf:primaryTopic <#me>.

<#me> a foaf:Person, schema:Person;
  solid:oidcIssuer <` + p.Issuer + `>;
  pim:storage <../>;
  ldp:inbox <../inbox/>;
  pim:preferencesFile <../settings/prefs.ttl>;
  solid:publicTypeIndex <../settings/publicTypeIndex.ttl>` + name + ".\n",
			acl: prefixes + owner("../") + "  acl:accessTo <card>;\n  acl:mode acl:Read, acl:Write, acl:Control.\n\n" +
				"<#public> a acl:Authorization;\n  acl:agentClass foaf:Agent;\n  acl:accessTo <card>;\n  acl:mode acl:Read.\n",
		},
		{
			key: "inbox/",
			acl: prefixes + owner("../") + "  acl:accessTo <./>;\n  acl:default <./>;\n  acl:mode acl:Read, acl:Write, acl:Control.\n\n" +
				"<#append> a acl:Authorization;\n  acl:agentClass foaf:Agent;\n  acl:accessTo <./>;\n  acl:mode acl:Append.\n",
		},
		{key: "settings/"},
		{
			key: "settings/prefs.ttl",
			body: `@prefix dct: <http://purl.org/dc/terms/>.
@prefix pim: <http://www.w3.org/ns/pim/space#>.
@prefix solid: <http://www.w3.org/ns/solid/terms#>.

<> a pim:ConfigurationFile;
  dct:title "Preferences file".

<../profile/card#me>
  solid:privateTypeIndex <privateTypeIndex.ttl>;
  solid:publicTypeIndex <publicTypeIndex.ttl>.
`,
		},
		{
			key:  "settings/privateTypeIndex.ttl",
			body: "@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n\n<> a solid:TypeIndex, solid:UnlistedDocument.\n",
		},
		{
			key:  "settings/publicTypeIndex.ttl",
			body: "@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n\n<> a solid:TypeIndex, solid:ListedDocument.\n",
			acl: prefixes + owner("../") + "  acl:accessTo <publicTypeIndex.ttl>;\n  acl:mode acl:Read, acl:Write, acl:Control.\n\n" +
				"<#public> a acl:Authorization;\n  acl:agentClass foaf:Agent;\n  acl:accessTo <publicTypeIndex.ttl>;\n  acl:mode acl:Read.\n",
		},
		{
			key: "public/",
			acl: prefixes + owner("../") + "  acl:accessTo <./>;\n  acl:default <./>;\n  acl:mode acl:Read, acl:Write, acl:Control.\n\n" +
				"<#public> a acl:Authorization;\n  acl:agentClass foaf:Agent;\n  acl:accessTo <./>;\n  acl:default <./>;\n  acl:mode acl:Read.\n",
		},
		{key: "private/"},
	}
	for _, d := range docs {
		key := root + storage.Key(d.key)
		var err error
		if key.IsContainer() {
			_, err = store.Put(ctx, key, nil, "", storage.Conditions{IfNoneMatch: "*"})
		} else {
			_, err = store.Put(ctx, key, strings.NewReader(d.body), "text/turtle", storage.Conditions{IfNoneMatch: "*"})
		}
		if err != nil {
			return err
		}
		if d.acl != "" {
			if _, err := store.Put(ctx, auxKey(key, aclAux), strings.NewReader(d.acl), "text/turtle", storage.Conditions{IfNoneMatch: "*"}); err != nil {
				return err
			}
		}
	}
	return nil
}

// ownerRef is how an ACL document names the owner: relative to the pod
// (up leads from the ACL's container to the pod root) when the owner is
// the pod's own profile, else the absolute WebID.
func ownerRef(root storage.Key, opt PodOptions, up string) string {
	if opt.Profile != nil {
		return up + profileWebIDPath
	}
	return opt.Owner
}

// turtleString quotes s as a Turtle string literal (Turtle §6.4: ECHAR and
// UCHAR escapes).
func turtleString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
