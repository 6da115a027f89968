package patch

import (
	"errors"
	"strings"
	"testing"

	"github.com/seedpod/seedpod/ldp/rdf"
)

const base = "http://ex/doc"

func TestParseRdflibShapes(t *testing.T) {
	for _, tt := range []struct{ ct, body string }{
		{N3, "\n@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n@prefix ex: <http://www.example.org/terms#>.\n\n_:patch\n\n      solid:where {\n        ?n0 <http://ex/p> \"x\" .\n      };\n      solid:deletes {\n        ?n0 <http://ex/q> \"y\" .\n      };\n      solid:inserts {\n        ?n0 <http://ex/q> \"z\" .\n      };   a solid:InsertDeletePatch .\n"},
		{SPARQLUpdate, "DELETE DATA { <http://ex/a> <http://ex/b> \"c\" .\n } \n ; INSERT DATA { <http://ex/a> <http://ex/b> \"d\" .\n }\n"},
	} {
		if _, err := Parse(strings.NewReader(tt.body), tt.ct, base); err != nil {
			t.Errorf("Parse(%q) = %v", tt.body, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	var se *rdf.SyntaxError
	if _, err := Parse(strings.NewReader("INSERT DATA { <a> <b> "), SPARQLUpdate, base); !errors.As(err, &se) {
		t.Errorf("cut short: %v, want a syntax error", err)
	}
	if _, err := Parse(strings.NewReader("CLEAR ALL"), SPARQLUpdate, base); !errors.Is(err, ErrInvalid) {
		t.Errorf("CLEAR: %v, want ErrInvalid", err)
	}
	if _, err := Parse(strings.NewReader(""), "text/turtle", base); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("text/turtle: %v, want ErrUnsupportedType", err)
	}
}
