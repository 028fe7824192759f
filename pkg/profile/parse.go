package profile

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

//go:embed default.yaml
var defaultYAML []byte

// Default returns the embedded default profile: the first whole core of
// each NUMA node reserved for housekeeping, every other online CPU
// isolated, IRQs steered to housekeeping, RT throttling off, THP never.
func Default() *NodeProfile {
	p, _, err := Parse(defaultYAML)
	if err != nil {
		panic("embedded default profile: " + err.Error())
	}
	return p
}

// DefaultYAML returns the embedded default profile's text.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Parse reads a NodeProfile, or an OpenShift PerformanceProfile which it
// translates, from YAML or JSON. It fills defaults and checks everything
// that does not need the machine. The notes say what of a
// PerformanceProfile was not translated. Errors are one line naming the
// field.
func Parse(data []byte) (*NodeProfile, []string, error) {
	raw, err := toJSONObject(data)
	if err != nil {
		return nil, nil, err
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	_ = json.Unmarshal(raw, &head)
	if head.Kind == "PerformanceProfile" && strings.HasPrefix(head.APIVersion, "performance.openshift.io/") {
		return fromPerformanceProfile(raw)
	}
	if head.APIVersion != APIVersion {
		return nil, nil, Errorf("apiVersion", "want %s, got %q", APIVersion, head.APIVersion)
	}
	if head.Kind != Kind {
		return nil, nil, Errorf("kind", "want %s (or an OpenShift PerformanceProfile), got %q", Kind, head.Kind)
	}
	p := &NodeProfile{}
	if err := decodeStrict(raw, p); err != nil {
		return nil, nil, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	return p, nil, nil
}

// toJSONObject converts YAML (or JSON) to JSON and checks it is an object.
func toJSONObject(data []byte) ([]byte, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, Errorf("", "profile is empty")
	}
	raw, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, Errorf("", "profile is not valid YAML: %s", oneLine(err.Error()))
	}
	if !strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		return nil, Errorf("", "profile must be a YAML mapping with apiVersion, kind and spec")
	}
	return raw, nil
}

// decodeStrict decodes raw into v, refusing unknown fields and naming the
// field of any type mismatch.
func decodeStrict(raw []byte, v any) error {
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return Errorf("", "profile: %s", oneLine(err.Error()))
	}
	if err := checkKnown(generic, reflect.TypeOf(v).Elem(), ""); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Errorf(te.Field, "want %s, got %s", typeName(te.Type), te.Value)
		}
		return Errorf("", "profile: %s", oneLine(err.Error()))
	}
	return nil
}

// checkKnown walks a decoded JSON value along a Go type and reports the
// first field the type does not have.
func checkKnown(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			for _, k := range slices.Sorted(maps.Keys(x)) {
				f, ok := fields[k]
				if !ok {
					return Errorf(join(path, k), "unknown field (known: %s)", strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
				}
				if err := checkKnown(x[k], f, join(path, k)); err != nil {
					return err
				}
			}
		case reflect.Map:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				if err := checkKnown(x[k], t.Elem(), join(path, k)); err != nil {
					return err
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice {
			for i, e := range x {
				if err := checkKnown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
