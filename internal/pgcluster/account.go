package pgcluster

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// account is the operating-system user the server runs as. PostgreSQL
// refuses to run as root, so when gridplan runs as root the cluster belongs
// to the unprivileged "postgres" account that Debian's packages create.
type account struct {
	uid, gid int
	name     string
	switched bool // true when commands must drop privileges to this account
}

func serverAccount() (account, error) {
	if os.Geteuid() != 0 {
		u, _ := user.Current()
		name := ""
		if u != nil {
			name = u.Username
		}
		return account{uid: os.Geteuid(), gid: os.Getegid(), name: name}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return account{}, fmt.Errorf("running as root, but there is no unprivileged \"postgres\" account to run PostgreSQL as; install %s (it creates one) or run gridplan as an ordinary user", installHint)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return account{uid: uid, gid: gid, name: u.Username, switched: true}, nil
}

// command prepares cmd to run as the account.
func (a account) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	if a.switched {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}}
		cmd.Env = append(cmd.Env, "HOME=/tmp", "USER="+a.name)
		cmd.Dir = "/"
	}
	return cmd
}

// mkdirOwned creates dir (mode perm) owned by the account.
func (a account) mkdirOwned(dir string, perm os.FileMode) error {
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	if err := os.Chmod(dir, perm); err != nil {
		return err
	}
	if a.switched {
		return os.Chown(dir, a.uid, a.gid)
	}
	return nil
}

// checkReachable fails with a clear message when the account cannot enter
// dir because an ancestor directory is closed to it (e.g. /root is 0700).
func (a account) checkReachable(dir string) error {
	if !a.switched {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		searchable := fi.Mode().Perm()&0o001 != 0 ||
			(ok && int(st.Uid) == a.uid && fi.Mode().Perm()&0o100 != 0) ||
			(ok && int(st.Gid) == a.gid && fi.Mode().Perm()&0o010 != 0)
		if !searchable {
			return fmt.Errorf("the %q account that runs PostgreSQL cannot enter %s (mode %v), so it cannot use the data directory %s; choose a --data-dir outside it (e.g. /var/lib/gridplan)", a.name, d, fi.Mode().Perm(), abs)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}
