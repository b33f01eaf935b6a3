/// The console's stylesheet: readable from a phone's width (tables scroll sideways, header
/// wraps) to a laptop's; colours mark state (green trading, amber paused, red halted).
enum StyleTemplate {
    static let text = #"""
:root { --fg:#1f2328; --muted:#57606a; --line:#d0d7de; --bg:#ffffff; --panel:#f6f8fa; --green:#1a7f37; --amber:#9a6700; --red:#cf222e; --blue:#0969da; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.5rem 1.25rem; align-items:center; padding:.6rem 1rem; border-bottom:1px solid var(--line); background:var(--panel); }
header nav { display:flex; gap:1rem; }
header nav a { color:var(--blue); text-decoration:none; }
header nav a[aria-current] { font-weight:600; text-decoration:underline; }
.who { margin-left:auto; color:var(--muted); }
.role { font-size:.8em; border:1px solid var(--line); border-radius:1em; padding:0 .5em; }
main { padding:1rem; max-width:1400px; margin:0 auto; }
h1 { font-size:1.3rem; margin:.2rem 0 .8rem; } h2 { font-size:1.05rem; margin:1.4rem 0 .5rem; }
.scroll { overflow-x:auto; border:1px solid var(--line); border-radius:6px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.35rem .6rem; border-bottom:1px solid var(--line); white-space:nowrap; vertical-align:top; }
th { background:var(--panel); font-weight:600; color:var(--muted); font-size:.85em; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
td.wrap { white-space:normal; min-width:14rem; }
tr:last-child td { border-bottom:none; }
.badge { display:inline-block; border-radius:1em; padding:0 .55em; font-size:.85em; border:1px solid currentColor; }
.trading { color:var(--green); } .paused { color:var(--amber); } .halted, .error { color:var(--red); } .idle, .flat { color:var(--muted); }
.up { color:var(--green); } .down { color:var(--red); }
.severity-critical, .severity-emergency { color:var(--red); font-weight:600; } .severity-warning { color:var(--amber); }
form.inline { display:inline; margin:0; }
button { font:inherit; padding:.2rem .7rem; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
button.danger { border-color:var(--red); color:var(--red); }
button.link { border:none; background:none; color:var(--blue); padding:0; }
.flash { margin:0; padding:.5rem 1rem; border-bottom:1px solid var(--line); }
.flash.ok { background:#dafbe1; color:var(--green); } .flash.error { background:#ffebe9; color:var(--red); }
.facts { display:flex; flex-wrap:wrap; gap:.5rem 1.5rem; margin:.2rem 0 1rem; color:var(--muted); }
.facts b { color:var(--fg); font-weight:600; }
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:1rem; }
.charts figure { margin:0; }
.charts svg { width:100%; height:auto; border:1px solid var(--line); border-radius:6px; }
.login { max-width:22rem; margin:3rem auto; padding:1.5rem; border:1px solid var(--line); border-radius:8px; background:var(--panel); }
.login label { display:block; margin:.7rem 0 .2rem; } .login input { width:100%; padding:.45rem; font:inherit; border:1px solid var(--line); border-radius:6px; }
.login button { margin-top:1rem; width:100%; padding:.5rem; }
.filters { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin-bottom:.8rem; }
.muted { color:var(--muted); }
.meter { display:inline-block; width:10rem; height:.7rem; border:1px solid var(--line); border-radius:4px; vertical-align:middle; overflow:hidden; }
.meter .fill { display:block; height:100%; } .fill.ok { background:var(--green); } .fill.warn { background:var(--amber); } .fill.breach { background:var(--red); }
@media (max-width: 640px) { body { font-size:13px; } main { padding:.6rem; } th, td { padding:.3rem .4rem; } }
"""#
}
