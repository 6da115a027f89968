package ldp

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seedpod/seedpod/ldp/rdf"
)

var (
	rdfType         = rdf.IRI(nsRDF + "type")
	ldpContains     = rdf.IRI(nsLDP + "contains")
	ldpResource     = rdf.IRI(nsLDP + "Resource")
	ldpContainer    = rdf.IRI(nsLDP + "Container")
	ldpBasic        = rdf.IRI(nsLDP + "BasicContainer")
	pimStorage      = rdf.IRI(nsPIM + "Storage")
	statSize        = rdf.IRI(nsStat + "size")
	statMtime       = rdf.IRI(nsStat + "mtime")
	dcModified      = rdf.IRI(nsDCTerms + "modified")
	xsdDateTime     = nsXSD + "dateTime"
	xsdInteger      = nsXSD + "integer"
	xsdDecimal      = nsXSD + "decimal"
	containerPrefix = map[string]string{
		"ldp":     nsLDP,
		"dcterms": nsDCTerms,
		"stat":    nsStat,
		"xsd":     nsXSD,
		"pim":     nsPIM,
	}
)

// serverManaged are predicates only the server writes in a container's
// representation (Solid Protocol §5.3, server-protect-containment and
// contained-resource-metadata).
var serverManaged = map[rdf.IRI]bool{ldpContains: true}

// containerGraph builds the representation of container t: the container's
// types, an ldp:contains triple and metadata for every child (Solid
// Protocol §5.2), and the triples of its description resource. Auxiliary
// resources are not children.
func (h *Handler) containerGraph(r *http.Request, t Target) (*rdf.Graph, error) {
	g := &rdf.Graph{Prefixes: containerPrefix}
	self := rdf.IRI(t.URL)
	g.Add(self, rdfType, ldpContainer)
	g.Add(self, rdfType, ldpBasic)
	g.Add(self, rdfType, ldpResource)
	if isPodRoot(t.Key) {
		g.Add(self, rdfType, pimStorage)
	}
	for info, err := range h.store.List(r.Context(), t.Key) {
		if err != nil {
			return nil, notFound(err)
		}
		if kind, _ := auxOf(info.Key); kind != NotAux {
			continue
		}
		if t.Key == "/" && strings.HasPrefix(info.Key.Name(), ".") {
			continue // the server's own area, not a pod
		}
		child := rdf.IRI(h.URLOf(info.Key))
		g.Add(self, ldpContains, child)
		g.Add(child, rdfType, ldpResource)
		if info.Key.IsContainer() {
			g.Add(child, rdfType, ldpContainer)
			g.Add(child, rdfType, ldpBasic)
		} else {
			if mt := mediaType(info.ContentType); mt != "" {
				g.Add(child, rdfType, rdf.IRI(nsIANA+mt+"#Resource"))
			}
			g.Add(child, statSize, rdf.Literal{Value: strconv.FormatInt(info.Size, 10), Datatype: xsdInteger})
		}
		if !info.ModTime.IsZero() {
			mt := info.ModTime.UTC()
			g.Add(child, dcModified, rdf.Literal{Value: mt.Format(time.RFC3339), Datatype: xsdDateTime})
			g.Add(child, statMtime, rdf.Literal{Value: strconv.FormatInt(mt.Unix(), 10), Datatype: xsdDecimal})
		}
	}
	if err := h.addDescription(r, t, g); err != nil {
		return nil, err
	}
	return g, nil
}

// addDescription adds the triples of t's description resource (.meta), if
// there is one, to g.
func (h *Handler) addDescription(r *http.Request, t Target, g *rdf.Graph) error {
	metaKey := auxKey(t.Key, metaAux)
	obj, err := h.store.Get(r.Context(), metaKey)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return err
	}
	defer obj.Close()
	mg, err := rdf.Parse(obj, mediaType(obj.Info().ContentType), h.URLOf(metaKey))
	if err != nil {
		return wrap(Internal, err, "container description could not be read")
	}
	for _, tr := range mg.Triples {
		if p, ok := tr.P.(rdf.IRI); ok && serverManaged[p] {
			continue
		}
		g.Triples = append(g.Triples, tr)
	}
	return nil
}
