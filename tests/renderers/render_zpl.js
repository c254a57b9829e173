// Render ZPL to PNG with the independent renderer zpl-renderer-js (a WebAssembly build of the Go
// library zebrash). JSON lines on stdin: {"zpl": "...", "width_mm": .., "height_mm": .., "dpmm": ..}
// -> JSON lines on stdout: {"pngs": [base64...]} or {"error": "..."}.
"use strict";
const modPath = process.argv[2];
console.log = (...a) => process.stderr.write(a.join(" ") + "\n"); // keep Go prints off the protocol
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
(async () => {
  const z = require(modPath);
  const { api } = await z.ready;
  const rl = require("readline").createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      const pngs = await api.zplToBase64MultipleAsync(r.zpl, r.width_mm, r.height_mm, r.dpmm);
      out({ pngs: pngs || [] });
    } catch (e) {
      const m = String((e && e.message) || e);
      out({ error: m.length > 300 ? m.slice(0, 300) : m });
    }
  }
  process.exit(0);
})();
