package gisformat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// gdalError is a GDAL tool's failure: its first error line, which callers
// turn into a message about the file concerned.
type gdalError struct {
	tool, message string
}

func (e *gdalError) Error() string { return e.tool + ": " + e.message }

// command prepares one of GDAL's command-line tools. Its standard error is
// collected for the error message and the warnings.
func command(ctx context.Context, tool string, args ...string) (*exec.Cmd, *bytes.Buffer, error) {
	path, err := exec.LookPath(tool)
	if err != nil {
		return nil, nil, fmt.Errorf("%s not found: gridplan reads and writes Shapefile, GeoPackage and CSV with GDAL's "+
			"command-line tools; install them (Debian: apt-get install gdal-bin, or scripts/install-deps.sh run)", tool)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr, nil
}

// run runs a GDAL tool to completion and returns its standard output.
// Warnings go to notes, prefixed with the tool's name.
func run(ctx context.Context, notes io.Writer, tool string, args ...string) ([]byte, error) {
	cmd, stderr, err := command(ctx, tool, args...)
	if err != nil {
		return nil, err
	}
	out, err := cmd.Output()
	return out, finished(tool, err, stderr, notes)
}

// finished turns a tool's exit into nil or a *gdalError, passing its
// warnings on.
func finished(tool string, err error, stderr *bytes.Buffer, notes io.Writer) error {
	errLine, warnings := gdalMessages(stderr.String())
	if notes != nil {
		for _, w := range warnings {
			fmt.Fprintf(notes, "warning: %s: %s\n", tool, w)
		}
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		if errLine == "" {
			errLine = fmt.Sprintf("failed (%v)", err)
		}
		return &gdalError{tool: tool, message: errLine}
	default:
		return err
	}
}

// gdalMessages picks GDAL's first error out of its standard error, and its
// warnings. GDAL writes "ERROR n: text" and "Warning n: text" lines; when a
// dataset cannot be opened at all it writes "FAILURE:" and the list of
// every driver it tried, which says nothing useful and is summarised.
func gdalMessages(stderr string) (errLine string, warnings []string) {
	lines := strings.Split(stderr, "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "ERROR "):
			if errLine == "" {
				errLine = afterColon(line)
			}
		case strings.HasPrefix(line, "Warning "):
			warnings = append(warnings, afterColon(line))
		case strings.HasPrefix(line, "FAILURE:") && errLine == "":
			errLine = strings.TrimSpace(strings.TrimPrefix(line, "FAILURE:"))
			if errLine == "" && i+1 < len(lines) {
				errLine = strings.TrimSuffix(strings.TrimSpace(lines[i+1]), " with the following drivers.")
			}
		}
	}
	return errLine, warnings
}

func afterColon(line string) string {
	if _, rest, ok := strings.Cut(line, ": "); ok {
		return rest
	}
	return line
}
