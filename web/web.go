// Package web embeds the web map: a static page, its script and a bundled
// copy of MapLibre GL JS, so the map works offline. httpapi serves it at /map/.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Static returns the map's files, rooted at the static directory.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
