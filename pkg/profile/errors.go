package profile

import "fmt"

// FieldError is an invalid profile value: the field's path and what is
// wrong, one line ("spec.cpu.reserved: cpu 99 does not exist (online: 0-23)").
type FieldError struct {
	Field string
	Msg   string
}

// Error is "field: message".
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Errorf returns a FieldError for field.
func Errorf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
