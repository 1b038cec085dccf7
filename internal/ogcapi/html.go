package ogcapi

import "html/template"

// pages are the HTML views: plain, link-rich pages that let a person
// browse what a GIS client reads. Items are written row by row.
var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · gridplan</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#263238}table{border-collapse:collapse}
td,th{border:1px solid #cfd8dc;padding:2px 6px;text-align:left;vertical-align:top}a{color:#00695c}</style></head>
<body><p><a href="{{.Base}}/">gridplan</a> · <a href="{{.Base}}/collections">collections</a> · <a href="/map/">web map</a> · <a href="{{.JSON}}">JSON</a></p>
<h1>{{.Title}}</h1>{{end}}
{{define "landing.html"}}{{template "head" .}}
<p>Governance grids, population units, facilities and audit findings as OGC API - Features and vector tiles.
Open the <a href="/map/"><strong>web map</strong></a>, or load the collections in QGIS or GDAL from this address.</p>
<ul>{{range .Links}}<li><a href="{{.Href}}">{{.Title}}</a> ({{.Rel}})</li>{{end}}</ul></body></html>{{end}}
{{define "conformance.html"}}{{template "head" .}}<ul>{{range .Classes}}<li>{{.}}</li>{{end}}</ul></body></html>{{end}}
{{define "collections.html"}}{{template "head" .}}<table><tr><th>id</th><th>title</th><th>extent (CRS84)</th><th>links</th></tr>
{{range .Collections}}<tr><td><a href="{{$.Base}}/collections/{{.ID}}?f=html">{{.ID}}</a></td><td>{{.Title}}</td>
<td>{{with .Extent}}{{range .Spatial.BBox}}{{.}}{{end}}{{end}}</td>
<td><a href="{{$.Base}}/collections/{{.ID}}/items?f=html">items</a> · <a href="{{$.Base}}/collections/{{.ID}}/items">GeoJSON</a> · <a href="{{$.Base}}/tiles/{{.ID}}.json">tiles</a></td></tr>{{end}}
</table></body></html>{{end}}
{{define "items-head"}}{{template "head" .}}<table><tr><th>id</th><th>properties</th><th>geometry</th></tr>{{end}}
{{define "item-row"}}<tr><td><a href="{{.Href}}">{{.ID}}</a></td><td>{{range .Props}}<b>{{.Key}}</b>: {{.Value}}<br>{{end}}</td><td>{{.Geometry}}</td></tr>
{{end}}
{{define "items-foot"}}</table><p>{{.Returned}} of {{.Matched}} features.{{with .Next}} <a href="{{.}}">Next page</a>{{end}}</p></body></html>{{end}}
`))
