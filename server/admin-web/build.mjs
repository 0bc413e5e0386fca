// Bundles the admin dashboard into <outdir> (the Maven build passes target/classes/admin, so the
// jar serves it at /admin/): index.html, assets/admin.js, assets/admin.css and the Inter font.
// Everything comes from src/ and the packages pinned by package-lock.json; nothing is fetched
// at run time (the page loads only from the server's own origin).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "dist"));
const assets = join(out, "assets");

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

await build({
  entryPoints: { admin: join(here, "src/main.jsx") },
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  outdir: assets,
  loader: { ".woff2": "file" },
  assetNames: "[name]",
  logLevel: "warning",
});

// styles.css takes the variable Inter font, Latin and Latin Extended only (the UI's own text;
// other scripts in user data fall back to the system fonts); its license goes along.
copyFileSync(join(here, "node_modules/@fontsource-variable/inter/LICENSE"), join(assets, "inter-LICENSE.txt"));

writeFileSync(join(out, "index.html"), readFileSync(join(here, "src/index.html"), "utf8"));
copyFileSync(join(here, "src/favicon.svg"), join(assets, "favicon.svg"));
console.log(`admin dashboard built into ${out}`);
