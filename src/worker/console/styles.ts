// The console's stylesheet (inline in the page; its hash goes into the Content-Security-Policy).

/** Shared by the console and its login page. */
export const CONSOLE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --accent: #0550ae; --accent-fg: #ffffff; --err: #a40e26; --ok: #116329; --focus: #0969da;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --accent: #4493f8; --accent-fg: #0d1117; --err: #ff7b72; --ok: #3fb950; --focus: #4493f8;
  }
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--fg); }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.15rem; margin: 0; white-space: nowrap; }
h1 span { color: var(--muted); font-weight: 400; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
input, button { font: inherit; color: inherit; }
input { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .3rem .5rem; min-width: 0; }
button { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .3rem .75rem; cursor: pointer; }
button[type=submit] { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
header.top { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
form.inline { display: flex; gap: .4rem; align-items: center; }
.status { margin: 0; margin-left: auto; color: var(--muted); }
.status.ok::before { content: "\\25CF  "; color: var(--ok); }
.status.bad::before { content: "\\25CF  "; color: var(--err); }
.usage { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: center; padding: .5rem 1rem; background: var(--panel); border-bottom: 1px solid var(--line); }
.usage dl { display: flex; flex-wrap: wrap; gap: .25rem 2rem; margin: 0; }
.usage dl div { display: flex; gap: .4rem; }
.usage dt { color: var(--muted); }
.usage dd { margin: 0; font-variant-numeric: tabular-nums; }
.usage meter { width: 12rem; height: 1rem; }
main.panes { display: grid; grid-template-columns: minmax(16rem, 1fr) 2fr; gap: 1rem; padding: 1rem; min-height: 18rem; }
@media (max-width: 760px) { main.panes { grid-template-columns: 1fr; } }
section.keys, section.value { border: 1px solid var(--line); border-radius: 8px; padding: .75rem; min-width: 0; }
.keylist { list-style: none; margin: .5rem 0; padding: 0; max-height: 26rem; overflow: auto; border-top: 1px solid var(--line); }
.keylist li { border-bottom: 1px solid var(--line); }
.keylist button { display: flex; gap: .5rem; width: 100%; text-align: left; background: none; border: 0; border-radius: 0; padding: .3rem .25rem; }
.keylist button[aria-current=true] { background: var(--panel); font-weight: 600; }
.keyname { font-family: var(--mono); overflow-wrap: anywhere; }
.badge { font: 12px/1.6 var(--mono); padding: 0 .35rem; border: 1px solid var(--line); border-radius: 4px; color: var(--muted); min-width: 3.2rem; text-align: center; }
.pager { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.value pre, .term pre { font: 13px/1.45 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.value pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem; max-height: 28rem; overflow: auto; }
.value table { border-collapse: collapse; width: 100%; font: 13px/1.45 var(--mono); }
.value th, .value td { border: 1px solid var(--line); padding: .2rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.value th { background: var(--panel); font-family: system-ui, sans-serif; }
.value .tablewrap { max-height: 28rem; overflow: auto; }
.term { margin: 0 1rem 1rem; border: 1px solid var(--line); border-radius: 8px; padding: .75rem; }
.term pre { min-height: 6rem; max-height: 18rem; overflow: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
.term .echo { color: var(--muted); }
.term .err { color: var(--err); }
.term form { display: flex; gap: .4rem; align-items: center; margin-top: .5rem; }
.term .prompt { font-family: var(--mono); color: var(--muted); white-space: nowrap; }
.term input { flex: 1; font-family: var(--mono); }
main.login { max-width: 24rem; margin: 4rem auto; padding: 1.5rem; border: 1px solid var(--line); border-radius: 8px; }
main.login form { display: grid; gap: .6rem; margin-top: 1rem; }
.alert { color: var(--err); min-height: 1.4em; margin: 0; }
`;
