package discover

import (
	"bufio"
	"io"
	"strings"
)

// Mount is one line of /proc/mounts.
type Mount struct {
	Source  string
	Point   string
	FSType  string
	Options []string
}

// HasOption reports whether the mount has the option o.
func (m *Mount) HasOption(o string) bool {
	for _, x := range m.Options {
		if x == o {
			return true
		}
	}
	return false
}

// ParseMounts parses /proc/mounts. Lines with fewer than four fields are
// skipped; octal escapes in mount points ("\040") are decoded.
func ParseMounts(r io.Reader) ([]Mount, error) {
	var out []Mount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		out = append(out, Mount{Source: f[0], Point: unescapeOctal(f[1]), FSType: f[2], Options: strings.Split(f[3], ",")})
	}
	return out, sc.Err()
}

func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
