package gisformat

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gridplan/gridplan/internal/domain"
)

// The DBF encodings gridplan reads and writes, by the names GDAL's iconv
// knows them by.
const (
	encUTF8    = "UTF-8"
	encGBK     = "GBK"
	encGB18030 = "GB18030"
)

// canonicalEncoding maps the names .cpg files and users give (ArcGIS
// writes code page numbers, GDAL names) to one of the encodings above.
// GB2312 text is GBK text: GBK extends it.
func canonicalEncoding(name string) (string, bool) {
	n := strings.ToUpper(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, "ANSI ")
	n = strings.TrimPrefix(strings.TrimPrefix(n, "CP"), "-")
	switch n {
	case "UTF-8", "UTF8", "65001":
		return encUTF8, true
	case "GBK", "936", "GB2312", "EUC-CN":
		return encGBK, true
	case "GB18030", "54936":
		return encGB18030, true
	}
	return "", false
}

// chinese returns the x/text codec of a Chinese encoding; nil for UTF-8.
func chinese(enc string) encoding.Encoding {
	switch enc {
	case encGBK:
		return simplifiedchinese.GBK
	case encGB18030:
		return simplifiedchinese.GB18030
	}
	return nil
}

// detectEncoding tells the encoding of a DBF without a .cpg from its
// bytes: text that is valid UTF-8 is UTF-8 (GBK text almost never is),
// else the first of GBK and GB18030 that decodes it without a replacement
// character. Only the field names and records are looked at: the header's
// binary fields would fail any text test.
func detectEncoding(dbf string) (string, error) {
	b, err := os.ReadFile(dbf)
	if err != nil {
		return "", domain.Errorf(domain.ErrInvalid, "%s: %v", dbf, err)
	}
	text, ok := dbfText(b)
	if !ok {
		return "", domain.Errorf(domain.ErrInvalid, "%s: not a dBASE file (its header is damaged)", dbf)
	}
	if utf8.Valid(text) {
		return encUTF8, nil
	}
	for _, enc := range []string{encGBK, encGB18030} {
		decoded, err := chinese(enc).NewDecoder().Bytes(text)
		if err == nil && !bytes.ContainsRune(decoded, utf8.RuneError) {
			return enc, nil
		}
	}
	return "", domain.Errorf(domain.ErrInvalid, "%s: its text is neither UTF-8 nor GBK/GB18030 and no .cpg names its "+
		"encoding; give --encoding GBK|GB18030|UTF-8", dbf)
}

// dbfText returns a DBF's field names and record bytes. The layout is
// dBASE III's: the header length at byte 8, 32-byte field descriptors from
// byte 32 (the name in the first 11 bytes) up to a 0x0D terminator.
func dbfText(b []byte) ([]byte, bool) {
	if len(b) < 33 {
		return nil, false
	}
	headerLen := int(binary.LittleEndian.Uint16(b[8:10]))
	if headerLen < 33 || headerLen > len(b) {
		return nil, false
	}
	var text []byte
	for off := 32; off+32 <= headerLen && b[off] != 0x0D; off += 32 {
		name, _, _ := bytes.Cut(b[off:off+11], []byte{0})
		text = append(append(text, name...), ' ')
	}
	return append(text, b[headerLen:]...), true
}

// encodedLen is the length of s in bytes once written in enc (a DBF field
// name's limit is in bytes).
func encodedLen(s, enc string) int {
	codec := chinese(enc)
	if codec == nil {
		return len(s)
	}
	b, err := codec.NewEncoder().String(s)
	if err != nil {
		return len(s)
	}
	return len(b)
}
