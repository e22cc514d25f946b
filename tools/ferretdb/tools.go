//go:build tools

// Package tools pins the FerretDB server that the harness runs as the `ferretdb` backend (a MongoDB
// wire-protocol server storing in SQLite): go.mod and go.sum fix it and every dependency. Build it with
// `npm run ferretdb:build` (harness/provision/ferretdb.ts), not a bare `go build` of its cmd/ferretdb:
// that binary panics at start for want of build/version/version.txt, which the script adds.
package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
