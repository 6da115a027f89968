package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// request is a subscription request (Notifications Protocol §6,
// Subscription Request Data Model) as parsed, before it is checked
// against the server.
type request struct {
	Type    string // full IRI
	Topic   string
	SendTo  string
	State   string
	Accept  string
	StartAt time.Time
	EndAt   time.Time
	Rate    time.Duration
}

// requestError is a refused request with its HTTP status.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &requestError{400, fmt.Sprintf(format, a...)}
}

func unprocessable(format string, a ...any) error {
	return &requestError{422, fmt.Sprintf(format, a...)}
}

// maxRequestBytes bounds a subscription request body.
const maxRequestBytes = 64 << 10

// parseRequest reads a subscription request in JSON-LD (the form the
// protocol requires, §6: application/ld+json; plain application/json is
// read the same way) or Turtle/N-Triples (as CSS also accepts). mediaType
// is without parameters; base resolves relative IRIs in Turtle. The
// error is a *requestError: 400 for a body that does not parse, 415 for
// another media type, 422 for a request that parses but is not a
// subscription this server understands.
func parseRequest(body []byte, mediaType, base string) (request, error) {
	switch mediaType {
	case rdf.JSONLD, "application/json":
		return parseJSONLDRequest(body)
	case rdf.Turtle, rdf.NTriples:
		g, err := rdf.Parse(bytes.NewReader(body), mediaType, base)
		if err != nil {
			return request{}, badRequest("the body is not valid %s: %v", mediaType, err)
		}
		return requestFromGraph(g)
	case "":
		return request{}, &requestError{415, "send the subscription as application/ld+json"}
	}
	return request{}, &requestError{415, fmt.Sprintf("%s is not supported; send the subscription as application/ld+json", mediaType)}
}

// parseJSONLDRequest reads compacted JSON-LD against the notification
// context (https://www.w3.org/ns/solid/notification/v1), whose terms are
// built in: remote contexts are never fetched. Keys may be the context's
// terms, "notify:"-prefixed names or full IRIs; values may be plain
// strings, {"@id": …} or {"@value": …}, alone or in one-element arrays.
func parseJSONLDRequest(body []byte) (request, error) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return request{}, badRequest("the body is not valid JSON-LD: %v", err)
	}
	if dec.More() {
		return request{}, badRequest("the body is not valid JSON-LD: data after the JSON value")
	}
	node, err := singleNode(doc)
	if err != nil {
		return request{}, err
	}
	props := map[string]string{}
	for k, v := range node {
		if k == "@context" {
			continue
		}
		name := term(k)
		s, err := scalar(v)
		if err != nil {
			return request{}, unprocessable("%s: %v", k, err)
		}
		if _, dup := props[name]; dup {
			return request{}, unprocessable("%s is given twice", name)
		}
		props[name] = s
	}
	return requestFromProps(props)
}

// singleNode finds the one node object of a document: the top-level
// object, the only element of a top-level array, or the only node of
// @graph.
func singleNode(doc any) (map[string]any, error) {
	switch d := doc.(type) {
	case map[string]any:
		if g, ok := d["@graph"]; ok {
			return singleNode(g)
		}
		return d, nil
	case []any:
		if len(d) != 1 {
			return nil, unprocessable("send exactly one subscription at a time")
		}
		return singleNode(d[0])
	}
	return nil, badRequest("the body must be a JSON-LD object")
}

// term maps a JSON-LD key to the name of a subscription property.
func term(k string) string {
	switch k {
	case "@type":
		return "type"
	case "@id":
		return "id"
	}
	if s, ok := strings.CutPrefix(k, notifyNS); ok {
		return s
	}
	if s, ok := strings.CutPrefix(k, "notify:"); ok {
		return s
	}
	if k == rdf.RDFType {
		return "type"
	}
	return k
}

// scalar reads one string value.
func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case []any:
		if len(x) != 1 {
			return "", fmt.Errorf("takes exactly one value")
		}
		return scalar(x[0])
	case map[string]any:
		if id, ok := x["@id"].(string); ok {
			return id, nil
		}
		if val, ok := x["@value"]; ok {
			return scalar(val)
		}
	}
	return "", fmt.Errorf("must be a string or an IRI")
}

// requestFromGraph reads a request from RDF: the one subject with a
// notify:topic.
func requestFromGraph(g *rdf.Graph) (request, error) {
	var subj rdf.Term
	for _, t := range g.Triples {
		if t.P == rdf.IRI(notifyNS+"topic") {
			if subj != nil && subj != t.S {
				return request{}, unprocessable("send exactly one subscription at a time")
			}
			subj = t.S
		}
	}
	if subj == nil {
		return request{}, unprocessable("the subscription has no topic")
	}
	props := map[string]string{}
	for _, t := range g.Triples {
		if t.S != subj {
			continue
		}
		name := term(string(predicateIRI(t.P)))
		var v string
		switch o := t.O.(type) {
		case rdf.IRI:
			v = string(o)
		case rdf.Literal:
			v = o.Value
		default:
			return request{}, unprocessable("%s must be an IRI or a literal", name)
		}
		if _, dup := props[name]; dup {
			return request{}, unprocessable("%s is given twice", name)
		}
		props[name] = v
	}
	return requestFromProps(props)
}

func predicateIRI(t rdf.Term) rdf.IRI {
	i, _ := t.(rdf.IRI)
	return i
}

// requestFromProps checks and converts the properties of a request.
func requestFromProps(p map[string]string) (request, error) {
	var r request
	switch t := p["type"]; t {
	case "":
		return r, unprocessable("the subscription has no type; use WebSocketChannel2023 or WebhookChannel2023")
	case "WebSocketChannel2023", "notify:WebSocketChannel2023", typeWebSocket:
		r.Type = typeWebSocket
	case "WebhookChannel2023", "notify:WebhookChannel2023", typeWebhook:
		r.Type = typeWebhook
	default:
		return r, unprocessable("channel type %q is not supported; use WebSocketChannel2023 or WebhookChannel2023", t)
	}
	if r.Topic = p["topic"]; r.Topic == "" {
		return r, unprocessable("the subscription has no topic")
	}
	r.SendTo, r.State, r.Accept = p["sendTo"], p["state"], p["accept"]
	var err error
	if v := p["startAt"]; v != "" {
		if r.StartAt, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return r, unprocessable("startAt %q is not an xsd:dateTime with a time zone", v)
		}
	}
	if v := p["endAt"]; v != "" {
		if r.EndAt, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return r, unprocessable("endAt %q is not an xsd:dateTime with a time zone", v)
		}
	}
	if v := p["rate"]; v != "" {
		if r.Rate, err = parseDuration(v); err != nil {
			return r, unprocessable("rate %q: %v", v, err)
		}
	}
	return r, nil
}

// parseDuration reads an xsd:duration made of days, hours, minutes and
// seconds ("PT10S", "P1DT2H", "PT0.5S"). Years and months have no fixed
// length and are refused, as are negative durations.
func parseDuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" || len(s) > 64 {
		return 0, fmt.Errorf("not an xsd:duration such as PT10S")
	}
	var total float64
	inTime := false
	units := 0
	for rest != "" {
		if rest[0] == 'T' {
			if inTime || len(rest) == 1 {
				return 0, fmt.Errorf("not an xsd:duration such as PT10S")
			}
			inTime, rest = true, rest[1:]
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("not an xsd:duration such as PT10S")
		}
		num, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("not an xsd:duration such as PT10S")
		}
		unit := rest[i]
		rest = rest[i+1:]
		var secs float64
		switch {
		case !inTime && unit == 'D':
			secs = 86400
		case !inTime && (unit == 'Y' || unit == 'M' || unit == 'W'):
			return 0, fmt.Errorf("use days, hours, minutes and seconds")
		case inTime && unit == 'H':
			secs = 3600
		case inTime && unit == 'M':
			secs = 60
		case inTime && unit == 'S':
			secs = 1
		default:
			return 0, fmt.Errorf("not an xsd:duration such as PT10S")
		}
		total += num * secs
		units++
	}
	if units == 0 || total > float64(365*86400) {
		return 0, fmt.Errorf("must be between zero and a year")
	}
	return time.Duration(total * float64(time.Second)), nil
}

// formatDuration writes d as an xsd:duration in seconds.
func formatDuration(d time.Duration) string {
	return "PT" + strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "S"
}
