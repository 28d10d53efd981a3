package web

import (
	"regexp"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// NewStaff checks a new account against the KB and returns it with its
// password hashed. An agent needs an OPD of the KB; supervisors and admins
// may name one (their home agency) or none.
func NewStaff(kb *sigap.KB, username, name string, role sigap.Role, opd, password string) (*sigap.Staff, error) {
	s := &sigap.Staff{
		Username: strings.TrimSpace(username),
		Name:     strings.TrimSpace(name),
		Role:     role,
		OPD:      strings.TrimSpace(opd),
	}
	switch {
	case !usernamePattern.MatchString(s.Username):
		return nil, sigap.Errorf(sigap.EINVALID, "Nama pengguna %q tidak sah: 2–32 huruf kecil, angka, titik, garis bawah atau tanda hubung.", s.Username)
	case s.Name == "":
		return nil, sigap.Errorf(sigap.EINVALID, "Nama lengkap wajib diisi.")
	case !role.Valid():
		return nil, sigap.Errorf(sigap.EINVALID, "Peran %q tidak dikenal; gunakan agent, supervisor atau admin.", role)
	case role == sigap.RoleAgent && s.OPD == "":
		return nil, sigap.Errorf(sigap.EINVALID, "Petugas (agent) wajib punya OPD.")
	}
	if s.OPD != "" {
		if _, ok := kb.OPD(s.OPD); !ok {
			return nil, sigap.Errorf(sigap.EINVALID, "OPD %q tidak ada di basis pengetahuan.", s.OPD)
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	s.PasswordHash = hash
	return s, nil
}
